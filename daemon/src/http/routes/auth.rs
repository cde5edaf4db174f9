//! `POST /v1/auth/operator/token`: an operator API key for a short-lived token.

use axum::Json;
use axum::extract::State;
use orch_core::api::auth::{OperatorTokenRequest, OperatorTokenResponse};
use orch_core::problem::ErrorCode;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::identity::IdentityError;
use crate::identity::operators::OperatorAuthError;

pub async fn operator_token(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<OperatorTokenRequest>,
) -> Result<Json<OperatorTokenResponse>, AppError> {
    match state.operators.exchange_key(&body.api_key).await {
        Ok(token) => {
            tracing::info!(operator = %token.operator.name, "operator token issued");
            Ok(Json(token))
        }
        Err(OperatorAuthError::BadKey | OperatorAuthError::Inactive | OperatorAuthError::Token(_)) => {
            tracing::warn!("operator token refused");
            Err(AppError::new(
                ErrorCode::Unauthenticated,
                "the API key is unknown, revoked, or its operator is disabled",
            ))
        }
        Err(OperatorAuthError::Identity(IdentityError::Store(e))) => Err(AppError::Store(e)),
        Err(OperatorAuthError::Identity(e)) => Err(AppError::Internal(e.to_string())),
    }
}
