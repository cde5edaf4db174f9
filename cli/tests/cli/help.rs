//! `orchctl --help` matches the committed snapshot.

use crate::support::{assert_files_fresh, orchctl};

#[test]
fn long_help_matches_snapshot() {
    let output = orchctl(&["--help"]);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help.txt");
    assert_files_fresh(&[(snapshot, output.stdout)]);
}
