//! `/v1/admin/audit`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /v1/admin/audit/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerifyResponse {
    pub ok: bool,
    pub checked: u64,
    pub first_bad_id: Option<Uuid>,
}
