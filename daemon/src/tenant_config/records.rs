//! What the store keeps about tenant config versions and the pointer (defined in the model,
//! below the store).

pub use crate::model::tenant_config::{
    ConfigPointer, ConfigProjection, ConfigVersionRecord, ConnectorRow, PointerMove, PolicyRow,
    SecretRefRow,
};
