//! The per-tenant orchestrator config document (`CONFIG.md` §2): parsing with positions,
//! validation that reports every problem at once, the typed model, its canonical form and
//! checksum, and a structured diff between versions.

pub mod diff;
pub mod model;
pub mod path_template;
pub mod schema;
pub mod secret_ref;
pub mod tree;
pub mod validate;

pub use model::OrchestratorConfig;
pub use validate::{ConfigIssue, DocumentFormat, ValidDocument, validate};

use serde_json::Value;

impl OrchestratorConfig {
    /// The canonical form: every default filled in, keys sorted. Two documents with the same
    /// meaning have the same canonical form (and checksum) whatever their layout.
    pub fn canonical(&self) -> Value {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        // Round-trip through the canonical text so object keys are sorted in the value too.
        serde_json::from_str(&crate::canonical::to_canonical_string(&value)).unwrap_or(value)
    }

    /// SHA-256 of the canonical form, lowercase hex.
    pub fn checksum(&self) -> String {
        crate::canonical::canonical_sha256(&self.canonical())
    }

    /// Every SecretRef the document names, with the document path that uses it.
    pub fn secret_refs(&self) -> Vec<(String, String)> {
        let mut refs = Vec::new();
        for (name, connector) in &self.connectors {
            if let Some(r) = connector.auth.secret_ref() {
                refs.push((format!("connectors.{name}.auth.secret_ref"), r.to_owned()));
            }
        }
        if let Some(stripe) = self.webhooks.as_ref().and_then(|w| w.stripe.as_ref()) {
            for (i, r) in stripe.signing_secrets.iter().enumerate() {
                refs.push((format!("webhooks.stripe.signing_secrets[{i}]"), r.clone()));
            }
        }
        refs
    }
}
