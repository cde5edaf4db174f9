//! RBAC: every admin route × every role gives exactly the allow/deny pattern of API.md.
//! The HTTP matrix is driven by the route table; a hand-written table pins the pattern
//! independently, so a wrong table cannot pass both.

use orch_core::problem::Problem;
use orch_core::rbac::Role;
use orchd::http::admin::ADMIN_ROUTES;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

/// Columns: readonly, billing, support, admin — written from API.md by hand.
const EXPECTED: &[(&str, [bool; 4])] = &[
    ("GET /v1/admin/whoami", [true, true, true, true]),
    ("POST /v1/admin/operators", [false, false, false, true]),
    ("GET /v1/admin/operators", [false, false, false, true]),
    (
        "POST /v1/admin/operators/{id}/disable",
        [false, false, false, true],
    ),
    (
        "POST /v1/admin/operators/{id}/keys",
        [false, false, false, true],
    ),
    ("GET /v1/admin/audit", [true, true, true, true]),
    ("GET /v1/admin/audit/verify", [true, true, true, true]),
    ("GET /v1/admin/audit/head", [true, true, true, true]),
    (
        "POST /v1/admin/tenants/{t}/clients",
        [false, false, false, true],
    ),
    (
        "GET /v1/admin/tenants/{t}/clients",
        [false, false, false, true],
    ),
    (
        "DELETE /v1/admin/tenants/{t}/clients/{id}",
        [false, false, false, true],
    ),
    ("POST /v1/admin/impersonations", [false, false, true, true]),
    ("GET /v1/admin/impersonations", [true, true, true, true]),
    (
        "DELETE /v1/admin/impersonations/{id}",
        [false, false, true, true],
    ),
    ("GET /v1/admin/tenants", [true, true, true, true]),
    (
        "POST /v1/admin/tenants/{t}/config",
        [false, false, false, true],
    ),
    ("GET /v1/admin/tenants/{t}/config", [true, true, true, true]),
    ("POST /v1/admin/config/validate", [true, true, true, true]),
    (
        "GET /v1/admin/tenants/{t}/config/versions",
        [true, true, true, true],
    ),
    (
        "GET /v1/admin/tenants/{t}/config/versions/{n}",
        [true, true, true, true],
    ),
    (
        "GET /v1/admin/tenants/{t}/config/diff",
        [true, true, true, true],
    ),
    (
        "GET /v1/admin/tenants/{t}/config/history",
        [true, true, true, true],
    ),
    (
        "POST /v1/admin/tenants/{t}/config/activate",
        [false, false, false, true],
    ),
    (
        "POST /v1/admin/tenants/{t}/config/rollback",
        [false, false, false, true],
    ),
    ("GET /v1/admin/breakers", [true, true, true, true]),
    ("GET /v1/admin/events", [true, true, true, true]),
    ("GET /v1/admin/events/stream", [true, true, true, true]),
    ("GET /v1/admin/jobs", [true, true, true, true]),
    ("GET /v1/admin/jobs/{id}", [true, true, true, true]),
    ("POST /v1/admin/breakers/reset", [false, false, true, true]),
    ("GET /v1/admin/dlq", [true, true, true, true]),
    ("GET /v1/admin/dlq/stats", [true, true, true, true]),
    // Billing holds dlq.replay, limited to the webhook queue (checked in api::dlq).
    ("POST /v1/admin/dlq/replay", [false, true, true, true]),
    ("POST /v1/admin/dlq/purge", [false, false, false, true]),
    ("GET /v1/admin/inbox", [true, true, true, true]),
    ("GET /v1/admin/inbox/{id}", [true, true, true, true]),
    // Billing holds inbox.replay, limited to the Stripe inbox (checked in api::webhooks).
    (
        "POST /v1/admin/inbox/{id}/replay",
        [false, true, true, true],
    ),
    ("GET /v1/admin/traces/{trace_id}", [true, true, true, true]),
];

#[test]
fn route_table_matches_the_hand_written_matrix() {
    let mut listed: Vec<String> = ADMIN_ROUTES
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let mut expected: Vec<String> = EXPECTED.iter().map(|(r, _)| (*r).to_owned()).collect();
    listed.sort();
    expected.sort();
    assert_eq!(
        listed, expected,
        "every admin route needs a row in EXPECTED"
    );
    for route in ADMIN_ROUTES {
        let key = format!("{} {}", route.method, route.path);
        let (_, allowed) = EXPECTED.iter().find(|(r, _)| *r == key).unwrap();
        for (role, want) in Role::ALL.into_iter().zip(allowed) {
            assert_eq!(role.allows(route.permission), *want, "{key} for {role}");
        }
    }
}

fn concrete(path: &str) -> String {
    path.replace("{id}", &uuid::Uuid::now_v7().to_string())
        .replace("{t}", "acme")
        .replace("{n}", "1")
        .replace("{trace_id}", "4bf92f3577b34da6a3ce929d0e0e4736")
}

async fn every_route_and_role_gives_the_documented_answer(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let key = app
            .create_operator(&format!("op-{role}"), role.as_str())
            .await;
        tokens.push((role, app.operator_token(&key).await));
    }
    let mut denied = 0;
    for route in ADMIN_ROUTES {
        for (role, token) in &tokens {
            let url = app.url(&concrete(route.path));
            let req = match route.method.as_str() {
                "GET" => app.client.get(url),
                "POST" => app.client.post(url).json(&json!({})),
                "DELETE" => app.client.delete(url).json(&json!({})),
                other => panic!("method {other} not covered"),
            };
            let res = req.bearer_auth(token).send().await.unwrap();
            let status = res.status().as_u16();
            let what = format!("{} {} as {role} → {status}", route.method, route.path);
            assert_ne!(status, 401, "{what}");
            if role.allows(route.permission) {
                assert_ne!(status, 403, "{what}");
            } else {
                assert_eq!(status, 403, "{what}");
                let p: Problem = res.json().await.unwrap();
                assert_eq!(p.code, "forbidden");
                assert_eq!(
                    p.extensions["required_permission"],
                    route.permission.as_str(),
                    "{what}"
                );
                denied += 1;
            }
        }
    }
    // Each denial is in the audit log.
    let admin = app.admin_token().await;
    let audit: Value = app
        .client
        .get(app.url("/v1/admin/audit?limit=500"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let denials = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "denied")
        .count();
    assert_eq!(denials, denied);
    app.stop().await;
}

both_backends!(every_route_and_role_gives_the_documented_answer);
