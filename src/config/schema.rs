//! The JSON Schema of the config document, generated from the typed model. A committed copy
//! (`schemas/orchestrator-config.schema.json`) lets editors validate documents; a test fails
//! when it drifts (refresh with `ORCH_BLESS=1 cargo nextest run -p orch-core`).

use super::model::OrchestratorConfig;

/// Where the committed schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "schemas/orchestrator-config.schema.json";

/// The schema as pretty-printed JSON with a trailing newline.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(OrchestratorConfig);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schema_is_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
        let fresh = json_schema();
        if std::env::var_os("ORCH_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{SCHEMA_PATH} is stale: run `ORCH_BLESS=1 cargo nextest run -p orch-core` and commit it"
        );
    }
}
