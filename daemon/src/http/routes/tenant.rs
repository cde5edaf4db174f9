//! `GET /v1/whoami` (tenant token): who the token speaks for — tenant, scopes, issuer, and
//! the operator behind an impersonation.

use axum::Json;
use orch_core::api::impersonations::TenantWhoAmI;

use crate::http::tenant_auth::TenantCaller;

pub async fn whoami(caller: TenantCaller) -> Json<TenantWhoAmI> {
    let p = caller.0;
    Json(TenantWhoAmI {
        tenant: p.tenant,
        scopes: p.scopes,
        issuer: p.issuer,
        subject: p.subject,
        expires_at: p.expires_at,
        impersonated_by: p.impersonation.map(|i| i.operator_id),
        impersonation_id: p.impersonation.map(|i| i.id),
    })
}
