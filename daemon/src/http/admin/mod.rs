//! The operator API (`/v1/admin/*`). Every route is declared once, in the table below, with
//! the permission it needs and the action name its audit rows carry; the router and the
//! per-route guard are built from that table, and the RBAC tests iterate it.

use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodFilter, on};
use orch_core::rbac::Permission;

use super::AppState;
use super::auth::{AdminRoute, operator_guard};

mod audit;
mod breakers;
mod clients;
mod config;
mod dlq;
mod events;
mod impersonations;
pub(crate) mod inbox;
mod jobs;
mod operators;
mod traces;
mod whoami;

// The query types of admin routes, for `/openapi.json`.
pub use audit::VerifyParams;
pub use config::DiffParams;
pub use inbox::ShowParams;

macro_rules! admin_routes {
    ($($method:ident $path:literal $action:literal => $permission:ident, $handler:path;)+) => {
        /// Every admin route, with its permission and audit action.
        pub const ADMIN_ROUTES: &[AdminRoute] = &[$(AdminRoute {
            method: Method::$method,
            path: $path,
            permission: Permission::$permission,
            action: $action,
        },)+];

        /// The admin router; each route behind its own guard.
        pub fn router(state: &AppState) -> Router<AppState> {
            let mut router = Router::new();
            $(
                let route = AdminRoute {
                    method: Method::$method,
                    path: $path,
                    permission: Permission::$permission,
                    action: $action,
                };
                router = router.route(
                    $path,
                    on(MethodFilter::$method, $handler)
                        .route_layer(middleware::from_fn_with_state((state.clone(), route), operator_guard)),
                );
            )+
            router
        }
    };
}

admin_routes! {
    GET  "/v1/admin/whoami"                   "whoami"             => Any,             whoami::whoami;
    POST "/v1/admin/operators"                "operators.create"   => OperatorsManage, operators::create;
    GET  "/v1/admin/operators"                "operators.list"     => OperatorsManage, operators::list;
    POST "/v1/admin/operators/{id}/disable"   "operators.disable"  => OperatorsManage, operators::disable;
    POST "/v1/admin/operators/{id}/keys"      "operators.rotate_key" => OperatorsManage, operators::rotate_key;
    GET  "/v1/admin/audit"                    "audit.list"         => Read,            audit::list;
    GET  "/v1/admin/audit/verify"             "audit.verify"       => Read,            audit::verify;
    GET  "/v1/admin/audit/head"               "audit.head"         => Read,            audit::head;
    POST "/v1/admin/tenants/{t}/clients"      "clients.create"     => ClientsManage,   clients::create;
    GET  "/v1/admin/tenants/{t}/clients"      "clients.list"       => ClientsManage,   clients::list;
    DELETE "/v1/admin/tenants/{t}/clients/{id}" "clients.delete"  => ClientsManage,   clients::delete;
    POST "/v1/admin/impersonations"           "impersonation.start" => Impersonate,    impersonations::start;
    GET  "/v1/admin/impersonations"           "impersonation.list" => Read,            impersonations::list;
    DELETE "/v1/admin/impersonations/{id}"    "impersonation.stop" => Impersonate,     impersonations::stop;
    GET  "/v1/admin/tenants"                  "tenants.list"       => Read,            config::tenants;
    POST "/v1/admin/tenants/{t}/config"       "config.apply"       => ConfigWrite,     config::apply;
    GET  "/v1/admin/tenants/{t}/config"       "config.show"        => Read,            config::show;
    POST "/v1/admin/config/validate"          "config.validate"    => Read,            config::validate;
    GET  "/v1/admin/tenants/{t}/config/versions" "config.versions" => Read,            config::versions;
    GET  "/v1/admin/tenants/{t}/config/versions/{n}" "config.version" => Read,         config::version;
    GET  "/v1/admin/tenants/{t}/config/diff"  "config.diff"        => Read,            config::diff;
    GET  "/v1/admin/tenants/{t}/config/history" "config.history"   => Read,            config::history;
    POST "/v1/admin/tenants/{t}/config/activate" "config.activate" => ConfigActivate,  config::activate;
    POST "/v1/admin/tenants/{t}/config/rollback" "config.rollback" => ConfigActivate,  config::rollback;
    GET  "/v1/admin/breakers"                 "breakers.list"      => Read,            breakers::list;
    GET  "/v1/admin/events"                   "events.list"        => Read,            events::list;
    GET  "/v1/admin/events/stream"            "events.stream"      => Read,            events::stream;
    GET  "/v1/admin/jobs"                     "jobs.list"          => Read,            jobs::list;
    GET  "/v1/admin/jobs/{id}"                "jobs.get"           => Read,            jobs::get;
    POST "/v1/admin/breakers/reset"           "breaker.reset"      => BreakerReset,    breakers::reset;
    GET  "/v1/admin/dlq"                      "dlq.list"           => Read,            dlq::list;
    GET  "/v1/admin/dlq/stats"                "dlq.stats"          => Read,            dlq::stats;
    POST "/v1/admin/dlq/replay"               "dlq.replay"         => DlqReplay,       dlq::replay;
    POST "/v1/admin/dlq/purge"                "dlq.purge"          => DlqPurge,        dlq::purge;
    GET  "/v1/admin/inbox"                    "inbox.list"         => Read,            inbox::list;
    GET  "/v1/admin/inbox/{id}"               "inbox.get"          => Read,            inbox::get;
    POST "/v1/admin/inbox/{id}/replay"        "inbox.replay"       => InboxReplay,     inbox::replay;
    GET  "/v1/admin/traces/{trace_id}"       "traces.get"         => Read,            traces::get;
}
