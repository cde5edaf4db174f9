//! Schema migrations, embedded in the binary: one folder per backend
//! (`migrations/postgres`, `migrations/sqlite`), the same versions in both.
//!
//! A test checks these lists against the folders, so a new file cannot be forgotten here.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::shared::{Conn, Dialect, Statement, StoreRow};
use super::{MigrationStatus, StoreError};

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    pub version: i64,
    pub description: &'static str,
    pub file_name: &'static str,
    pub sql: &'static str,
}

macro_rules! embed {
    ($dir:literal, [$(($version:literal, $description:literal, $file:literal)),+ $(,)?]) => {
        &[$(EmbeddedMigration {
            version: $version,
            description: $description,
            file_name: $file,
            sql: include_str!(concat!("../../../migrations/", $dir, "/", $file)),
        }),+]
    };
}

pub const POSTGRES: &[EmbeddedMigration] = embed!(
    "postgres",
    [
        (1, "schema v0", "0001_schema_v0.sql"),
        (2, "job indexes", "0002_job_indexes.sql"),
        (3, "live job counts", "0003_live_job_counts.sql"),
        (4, "inbox request headers", "0004_inbox_request_headers.sql"),
        (5, "console sessions", "0005_console_sessions.sql"),
        (6, "audit request index", "0006_audit_request_index.sql"),
    ]
);

pub const SQLITE: &[EmbeddedMigration] = embed!(
    "sqlite",
    [
        (1, "schema v0", "0001_schema_v0.sql"),
        (2, "job indexes", "0002_job_indexes.sql"),
        (3, "live job counts", "0003_live_job_counts.sql"),
        (4, "inbox request headers", "0004_inbox_request_headers.sql"),
        (5, "console sessions", "0005_console_sessions.sql"),
        (6, "audit request index", "0006_audit_request_index.sql"),
    ]
);

pub(super) fn migrator(list: &'static [EmbeddedMigration]) -> Migrator {
    Migrator::with_migrations(
        list.iter()
            .map(|m| {
                Migration::new(
                    m.version,
                    m.description.into(),
                    MigrationType::Simple,
                    m.sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Reads what the database recorded and compares it with this build. `table_exists` is the
/// dialect's query for whether sqlx's table is there yet (a boolean named `present`).
pub(super) async fn read_status<DB: Dialect>(
    conn: &mut DB::Connection,
    list: &'static [EmbeddedMigration],
    table_exists: &'static str,
) -> Result<MigrationStatus, StoreError> {
    let mut conn = Conn::<DB, _>::new(conn);
    let applied = if conn
        .one(Statement::new(table_exists), |r| r.get("present"))
        .await?
    {
        let q = Statement::new(
            "SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version",
        );
        conn.all(q, |r| {
            Ok((r.get("version")?, r.get("checksum")?, r.get("success")?))
        })
        .await?
    } else {
        Vec::new()
    };
    status(list, &applied)
}

/// Compares what the database recorded (`version`, `checksum`, `success`) with this build.
fn status(
    list: &'static [EmbeddedMigration],
    applied: &[(i64, Vec<u8>, bool)],
) -> Result<MigrationStatus, StoreError> {
    if let Some((version, _, _)) = applied.iter().find(|(_, _, success)| !success) {
        return Err(StoreError::Migration(format!(
            "migration {version} failed part-way; repair the database before starting"
        )));
    }
    let known = migrator(list);
    let mut status = MigrationStatus::default();
    for m in known.iter() {
        match applied.iter().find(|(v, _, _)| *v == m.version) {
            Some((_, checksum, _)) if checksum.as_slice() == m.checksum.as_ref() => {
                status.applied.push(m.version);
            }
            Some(_) => status.modified.push(m.version),
            None => status.pending.push(m.version),
        }
    }
    status.unknown = applied
        .iter()
        .map(|(v, _, _)| *v)
        .filter(|v| !known.version_exists(*v))
        .collect();
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_in(dir: &str) -> Vec<String> {
        let path = format!("{}/../migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn embedded_lists_match_the_folders() {
        for (dir, list) in [("postgres", POSTGRES), ("sqlite", SQLITE)] {
            let embedded: Vec<String> = list.iter().map(|m| m.file_name.to_owned()).collect();
            assert_eq!(
                embedded,
                files_in(dir),
                "migrations/{dir} and store/migrations.rs disagree: list every file"
            );
            for m in list {
                let prefix: i64 = m.file_name[..4].parse().unwrap();
                assert_eq!(prefix, m.version, "{}", m.file_name);
            }
        }
    }

    #[test]
    fn both_backends_have_the_same_versions() {
        let pg: Vec<i64> = POSTGRES.iter().map(|m| m.version).collect();
        let lite: Vec<i64> = SQLITE.iter().map(|m| m.version).collect();
        assert_eq!(pg, lite);
    }

    #[test]
    fn status_reports_pending_modified_and_unknown() {
        let m = migrator(POSTGRES);
        let all: Vec<(i64, Vec<u8>, bool)> = m
            .iter()
            .map(|x| (x.version, x.checksum.to_vec(), true))
            .collect();
        let versions: Vec<i64> = POSTGRES.iter().map(|m| m.version).collect();
        let s = status(POSTGRES, &[]).unwrap();
        assert_eq!(s.pending, versions);
        assert!(!s.is_current());
        let s = status(POSTGRES, &all[..1]).unwrap();
        assert_eq!(s.pending, versions[1..]);
        let s = status(POSTGRES, &all).unwrap();
        assert!(s.is_current());
        let mut changed = all.clone();
        changed[0].1 = vec![0; 48];
        let s = status(POSTGRES, &changed).unwrap();
        assert_eq!(s.modified, vec![1]);
        let mut extra = all.clone();
        extra.push((99, vec![], true));
        let s = status(POSTGRES, &extra).unwrap();
        assert_eq!(s.unknown, vec![99]);
        assert!(status(POSTGRES, &[(1, vec![], false)]).is_err());
    }
}
