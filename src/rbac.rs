//! Operator roles and permissions: the matrix of `API.md` as data, in one place.
//!
//! The server's guard and the tests read this table; nothing else decides who may do what.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An operator's role; each operator has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Readonly,
    Billing,
    Support,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Readonly, Role::Billing, Role::Support, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Readonly => "readonly",
            Role::Billing => "billing",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    /// Whether this role holds `permission` (see [`MATRIX`]).
    pub fn allows(self, permission: Permission) -> bool {
        permission == Permission::Any
            || MATRIX
                .iter()
                .any(|(p, roles)| *p == permission && roles.contains(&self))
    }

    /// Every permission this role holds, in matrix order.
    pub fn permissions(self) -> Vec<Permission> {
        MATRIX
            .iter()
            .filter(|(_, roles)| roles.contains(&self))
            .map(|(p, _)| *p)
            .collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role {s:?}: expected readonly, billing, support or admin")
            })
    }
}

/// What an admin route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    /// Any authenticated operator (e.g. `whoami`).
    #[serde(rename = "any")]
    Any,
    /// Read jobs, DLQ, inbox metadata, events, config, audit, breakers.
    #[serde(rename = "read")]
    Read,
    /// Read webhook payload bodies (may hold customer data).
    #[serde(rename = "payloads.read")]
    PayloadsRead,
    #[serde(rename = "dlq.replay")]
    DlqReplay,
    #[serde(rename = "inbox.replay")]
    InboxReplay,
    #[serde(rename = "breaker.reset")]
    BreakerReset,
    #[serde(rename = "impersonate")]
    Impersonate,
    #[serde(rename = "dlq.purge")]
    DlqPurge,
    #[serde(rename = "config.write")]
    ConfigWrite,
    #[serde(rename = "config.activate")]
    ConfigActivate,
    #[serde(rename = "operators.manage")]
    OperatorsManage,
    #[serde(rename = "clients.manage")]
    ClientsManage,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Any => "any",
            Permission::Read => "read",
            Permission::PayloadsRead => "payloads.read",
            Permission::DlqReplay => "dlq.replay",
            Permission::InboxReplay => "inbox.replay",
            Permission::BreakerReset => "breaker.reset",
            Permission::Impersonate => "impersonate",
            Permission::DlqPurge => "dlq.purge",
            Permission::ConfigWrite => "config.write",
            Permission::ConfigActivate => "config.activate",
            Permission::OperatorsManage => "operators.manage",
            Permission::ClientsManage => "clients.manage",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

use Role::{Admin, Billing, Readonly, Support};

/// The permission matrix of `API.md`. Billing's replay rights are limited to the webhook
/// queue and the Stripe inbox; the DLQ and inbox services enforce that narrowing.
pub const MATRIX: &[(Permission, &[Role])] = &[
    (Permission::Read, &[Readonly, Billing, Support, Admin]),
    (Permission::PayloadsRead, &[Billing, Support, Admin]),
    (Permission::DlqReplay, &[Billing, Support, Admin]),
    (Permission::InboxReplay, &[Billing, Support, Admin]),
    (Permission::BreakerReset, &[Support, Admin]),
    (Permission::Impersonate, &[Support, Admin]),
    (Permission::DlqPurge, &[Admin]),
    (Permission::ConfigWrite, &[Admin]),
    (Permission::ConfigActivate, &[Admin]),
    (Permission::OperatorsManage, &[Admin]),
    (Permission::ClientsManage, &[Admin]),
];

/// Tenant token scopes (`scope` claim, space-separated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    #[serde(rename = "execute")]
    Execute,
    #[serde(rename = "jobs:write")]
    JobsWrite,
    #[serde(rename = "jobs:read")]
    JobsRead,
    #[serde(rename = "events:read")]
    EventsRead,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::Execute,
        Scope::JobsWrite,
        Scope::JobsRead,
        Scope::EventsRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Execute => "execute",
            Scope::JobsWrite => "jobs:write",
            Scope::JobsRead => "jobs:read",
            Scope::EventsRead => "events:read",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Parses a space-separated `scope` claim, ignoring scopes orchd does not know.
    pub fn parse_claim(claim: &str) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = claim.split_whitespace().filter_map(Scope::parse).collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }

    /// Formats scopes as a `scope` claim.
    pub fn to_claim(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written out by hand from API.md, independently of `MATRIX`, so a wrong matrix cannot
    /// pass both: rows are permissions, columns readonly, billing, support, admin.
    #[test]
    fn matrix_matches_the_api_contract() {
        let expected: [(Permission, [bool; 4]); 11] = [
            (Permission::Read, [true, true, true, true]),
            (Permission::PayloadsRead, [false, true, true, true]),
            (Permission::DlqReplay, [false, true, true, true]),
            (Permission::InboxReplay, [false, true, true, true]),
            (Permission::BreakerReset, [false, false, true, true]),
            (Permission::Impersonate, [false, false, true, true]),
            (Permission::DlqPurge, [false, false, false, true]),
            (Permission::ConfigWrite, [false, false, false, true]),
            (Permission::ConfigActivate, [false, false, false, true]),
            (Permission::OperatorsManage, [false, false, false, true]),
            (Permission::ClientsManage, [false, false, false, true]),
        ];
        for (permission, allowed) in expected {
            for (role, want) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.allows(permission), want, "{role} / {permission}");
            }
        }
        for role in Role::ALL {
            assert!(role.allows(Permission::Any));
        }
    }

    #[test]
    fn roles_and_scopes_parse() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
        assert_eq!(
            Scope::parse_claim("jobs:read  execute bogus execute"),
            vec![Scope::Execute, Scope::JobsRead]
        );
        assert_eq!(
            Scope::to_claim(&[Scope::Execute, Scope::EventsRead]),
            "execute events:read"
        );
    }

    #[test]
    fn permission_names_serialize_as_in_the_api() {
        assert_eq!(
            serde_json::to_string(&Permission::DlqPurge).unwrap(),
            "\"dlq.purge\""
        );
        for (p, _) in MATRIX {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }
}
