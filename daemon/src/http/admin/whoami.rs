use axum::Json;
use orch_core::api::auth::WhoAmI;

use crate::http::auth::Actor;

/// `GET /v1/admin/whoami`: the operator, its role's permissions and the token's expiry.
pub async fn whoami(actor: Actor) -> Json<WhoAmI> {
    Json(WhoAmI {
        operator: actor.operator.summary(),
        permissions: actor.operator.role.permissions(),
        token_expires_at: actor.token_expires_at,
    })
}
