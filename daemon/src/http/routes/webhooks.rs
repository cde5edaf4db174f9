//! Webhook ingress: `POST /webhooks/stripe/{tenant}` and `POST /webhooks/stripe` (the
//! daemon's `webhooks.default_tenant`). The raw body is read up to `webhooks.max_body_bytes`
//! (413 beyond) and handed, byte for byte, to [`crate::webhooks::ingress`]; 200 only after
//! the inbox row is committed.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use futures_util::StreamExt;
use orch_core::api::inbox::WebhookReceipt;
use orch_core::tenant::TenantSlug;
use orch_core::webhooks::stripe;

use crate::http::AppState;
use crate::http::context::{Principal, RequestContext};
use crate::http::error::AppError;
use crate::webhooks::ingress::{Delivery, IngressError};

pub async fn stripe_for_tenant(
    State(state): State<AppState>,
    ctx: axum::Extension<RequestContext>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<WebhookReceipt>, AppError> {
    receive(&state, &ctx, Some(tenant), &headers, body).await
}

pub async fn stripe_default(
    State(state): State<AppState>,
    ctx: axum::Extension<RequestContext>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<WebhookReceipt>, AppError> {
    let tenant = state
        .settings
        .webhooks
        .default_tenant
        .as_ref()
        .map(|t| t.as_str().to_owned());
    receive(&state, &ctx, tenant, &headers, body).await
}

async fn receive(
    state: &AppState,
    ctx: &RequestContext,
    tenant: Option<String>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<WebhookReceipt>, AppError> {
    let limit = state.settings.webhooks.max_body_bytes.bytes();
    let signature = headers
        .get(stripe::HEADER)
        // A header that is not text cannot match any signature.
        .map(|v| v.to_str().unwrap_or("\u{fffd}"));
    // The headers that are text; ingress keeps an allow-listed, redacted few on the row.
    let sent: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let tenant_name = tenant.clone().unwrap_or_default();
    let refuse = |error: IngressError, size: &[u8]| {
        state.ingress.refuse(
            &Delivery {
                tenant: &tenant_name,
                signature,
                headers: &sent,
                body: size,
                request_id: &ctx.request_id,
                trace: &ctx.trace,
            },
            &error,
        );
        Err(error.into())
    };
    let Some(tenant) = tenant.filter(|t| TenantSlug::parse(t).is_ok()) else {
        return refuse(IngressError::UnknownTenant(tenant_name.clone()), &[]);
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return refuse(IngressError::TooLarge { limit }, &[]);
    }
    let bytes = match read_limited(body, limit).await {
        Ok(bytes) => bytes,
        Err(error) => return refuse(error, &[]),
    };
    let receipt = state
        .ingress
        .receive_stripe(&Delivery {
            tenant: &tenant,
            signature,
            headers: &sent,
            body: &bytes,
            request_id: &ctx.request_id,
            trace: &ctx.trace,
        })
        .await?;
    ctx.authenticated(Principal::Tenant {
        tenant,
        impersonated_by: None,
        impersonation_id: None,
    });
    Ok(Json(receipt))
}

/// The whole body, refused as soon as it grows past `limit` bytes.
async fn read_limited(body: Body, limit: u64) -> Result<Vec<u8>, IngressError> {
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            IngressError::InvalidPayload(format!("the body could not be read: {e}"))
        })?;
        if bytes.len().saturating_add(chunk.len()) > limit_usize {
            return Err(IngressError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
