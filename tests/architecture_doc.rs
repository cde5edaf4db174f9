//! ARCHITECTURE.md cannot drift from the tree: every path it names in backticks exists, and
//! every module of `daemon/src` is named there (by its path, or by a `dir/*` entry that
//! stands for one file per resource).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where a path named in the document may be rooted: the repository, then the crates'
/// source and test folders (the code map names daemon files relative to `daemon/src`).
const BASES: &[&str] = &[
    "",
    "daemon/src/",
    "cli/src/",
    "src/",
    "daemon/tests/",
    "daemon/tests/it/",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn document() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable")
}

/// The contents of every inline code span (`…`).
fn code_spans(text: &str) -> Vec<String> {
    let mut spans = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
            spans.push(inside.to_owned());
        }
    }
    spans
}

const FILE_EXTENSIONS: &[&str] = &[
    ".rs", ".md", ".toml", ".sql", ".yaml", ".yml", ".json", ".sh", ".mjs", ".lock",
];

/// A code span that names a file or folder of the repository: path characters only, and
/// either a `/` or a file extension. API routes (`/v1/…`), SecretRefs (`env:…`), URLs and
/// globs with braces are not paths.
fn as_repo_path(span: &str) -> Option<String> {
    let pathy = !span.is_empty()
        && !span.starts_with('/')
        && !span.starts_with('.')
        && span
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '*'));
    if !pathy {
        return None;
    }
    let has_extension = FILE_EXTENSIONS.iter().any(|e| span.ends_with(e));
    if span.contains('/') || has_extension {
        Some(span.to_owned())
    } else {
        None
    }
}

fn exists_under_a_base(path: &str) -> bool {
    let path = path.trim_end_matches('*').trim_end_matches('/');
    BASES
        .iter()
        .any(|base| root().join(format!("{base}{path}")).exists())
}

#[test]
fn every_path_named_in_architecture_md_exists() {
    let missing: Vec<String> = code_spans(&document())
        .iter()
        .filter_map(|s| as_repo_path(s))
        .filter(|p| !exists_under_a_base(p))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist (fix the document or the tree): {missing:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("daemon/src is readable");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// How the document may name a module file, relative to `daemon/src`: `jobs/worker.rs`;
/// a folder module (`jobs/mod.rs`) as `jobs/`.
fn names_of(relative: &str) -> Vec<String> {
    match relative.strip_suffix("mod.rs") {
        Some(dir) => vec![dir.to_owned(), dir.trim_end_matches('/').to_owned()],
        None => vec![relative.to_owned()],
    }
}

#[test]
fn every_daemon_module_is_named_in_architecture_md() {
    let named: BTreeSet<String> = code_spans(&document())
        .iter()
        .filter_map(|s| as_repo_path(s))
        .map(|p| p.strip_prefix("daemon/src/").unwrap_or(&p).to_owned())
        .collect();
    // `dir/*`: every file below `dir/` is one of a kind (one file per resource or command).
    let globbed: Vec<&str> = named.iter().filter_map(|n| n.strip_suffix("/*")).collect();
    let src = root().join("daemon/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unnamed: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let relative = f
                .strip_prefix(&src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let covered = names_of(&relative).iter().any(|n| named.contains(n))
                || globbed
                    .iter()
                    .any(|dir| relative.starts_with(&format!("{dir}/")));
            (!covered).then_some(relative)
        })
        .collect();
    unnamed.sort();
    assert!(
        unnamed.is_empty(),
        "daemon/src modules missing from ARCHITECTURE.md's code map: {unnamed:?}"
    );
}

#[test]
fn the_path_filter_tells_paths_from_other_code() {
    assert_eq!(
        as_repo_path("jobs/worker.rs").as_deref(),
        Some("jobs/worker.rs")
    );
    assert_eq!(
        as_repo_path("store/postgres/*").as_deref(),
        Some("store/postgres/*")
    );
    assert_eq!(as_repo_path("README.md").as_deref(), Some("README.md"));
    assert_eq!(as_repo_path("/v1/execute"), None);
    assert_eq!(as_repo_path("env:ORCH_{TENANT}_*"), None);
    assert_eq!(as_repo_path("Arc<ActiveConfig>"), None);
    assert_eq!(as_repo_path("status = 'dead'"), None);
    assert_eq!(as_repo_path("orch_core::rbac::MATRIX"), None);
    assert!(exists_under_a_base("jobs/worker.rs"));
    assert!(!exists_under_a_base("jobs/no_such_file.rs"));
}

/// The modules of a crate's source folder (`daemon/src`) as paths of segments
/// (`jobs/worker.rs` → `["jobs", "worker"]`, `jobs/mod.rs` → `["jobs"]`), with each file's
/// text up to its unit tests.
fn modules_of(crate_src: &str) -> Vec<(Vec<String>, bool, String)> {
    let src = root().join(crate_src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .iter()
        .map(|f| {
            let relative = f
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut parts: Vec<String> = relative
                .trim_end_matches(".rs")
                .split('/')
                .map(str::to_owned)
                .collect();
            let folder = matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            );
            if folder {
                parts.pop();
            }
            let text = std::fs::read_to_string(f).unwrap();
            // Unit tests may reach anywhere; they are not part of the module graph.
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            (parts, folder, text)
        })
        .collect()
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Every path a file names through `crate::` or `super::`, as segments from the crate root;
/// a group (`crate::a::{b, c::d}`) counts each member's first segment.
fn named_paths(module: &[String], folder: bool, text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (start, _) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        let preceded_by_ident = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        if preceded_by_ident {
            continue;
        }
        let (mut path, mut rest) = if text[start..].starts_with("crate::") {
            (Vec::new(), &text[start + 7..])
        } else {
            // `super` of `jobs/worker.rs` is `jobs`; of `jobs/mod.rs` it is the crate root.
            let mut base = module.to_vec();
            if folder || !base.is_empty() {
                base.pop();
            }
            (base, &text[start + 7..])
        };
        loop {
            if let Some(group) = rest.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for member in inner.split(',') {
                    let name = ident(member.trim());
                    if !name.is_empty() && name != "self" {
                        let mut p = path.clone();
                        p.push(name.to_owned());
                        out.push(p);
                    }
                }
                break;
            }
            let name = ident(rest);
            if name.is_empty() {
                break;
            }
            path.push(name.to_owned());
            rest = &rest[name.len()..];
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        out.push(path);
    }
    out
}

/// Module → the modules it names, at file level or folded into top-level modules.
fn import_graph(
    crate_src: &str,
    top_level: bool,
) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let modules = modules_of(crate_src);
    let known: BTreeSet<Vec<String>> = modules.iter().map(|(m, _, _)| m.clone()).collect();
    let key = |m: &[String]| {
        if top_level {
            m.first().cloned().unwrap_or_default()
        } else {
            m.join("/")
        }
    };
    let mut graph = std::collections::BTreeMap::new();
    for (module, folder, text) in &modules {
        let from = key(module);
        let edges: &mut BTreeSet<String> = graph.entry(from.clone()).or_default();
        for path in named_paths(module, *folder, text) {
            // The longest module prefix of the path is the module it depends on.
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| known.contains(p));
            if let Some(target) = target {
                let to = key(&target);
                if to != from && !to.is_empty() {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// The modules on some cycle (empty when the graph is acyclic).
fn on_a_cycle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    // Peel off modules with no remaining outgoing edge; what cannot be peeled is on or
    // above a cycle, and keeping only those reachable from themselves names the cycle.
    let mut remaining = graph.clone();
    loop {
        let sinks: Vec<String> = remaining
            .iter()
            .filter(|(_, outs)| outs.iter().all(|o| !remaining.contains_key(o)))
            .map(|(m, _)| m.clone())
            .collect();
        if sinks.is_empty() {
            break;
        }
        for s in sinks {
            remaining.remove(&s);
        }
    }
    let reaches_itself = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = remaining[start].iter().collect();
        while let Some(m) = todo.pop() {
            if m == start {
                return true;
            }
            if seen.insert(m.clone())
                && let Some(outs) = remaining.get(m)
            {
                todo.extend(outs.iter());
            }
        }
        false
    };
    remaining
        .keys()
        .filter(|m| reaches_itself(m))
        .cloned()
        .collect()
}

#[test]
fn daemon_src_has_no_import_cycle() {
    assert_acyclic("daemon/src");
}

#[test]
fn orchctl_has_no_import_cycle() {
    assert_acyclic("cli/src");
}

fn assert_acyclic(crate_src: &str) {
    for top_level in [false, true] {
        let graph = import_graph(crate_src, top_level);
        let cycle = on_a_cycle(&graph);
        let edges: Vec<String> = cycle
            .iter()
            .map(|m| {
                format!(
                    "{m} -> {:?}",
                    graph[m]
                        .intersection(&cycle.iter().cloned().collect())
                        .collect::<Vec<_>>()
                )
            })
            .collect();
        assert!(
            cycle.is_empty(),
            "import cycle in {crate_src} ({} level): {edges:#?}",
            if top_level { "top" } else { "file" }
        );
    }
}

#[test]
fn the_store_sits_on_the_model_only() {
    let graph = import_graph("daemon/src", true);
    let below: BTreeSet<String> = graph["store"].clone();
    let allowed: BTreeSet<String> = ["model", "private_files"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert!(below.is_subset(&allowed), "store/ imports {below:?}");
    assert!(
        graph["model"].is_empty(),
        "model/ imports {:?}",
        graph["model"]
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
        for (a, b) in edges {
            g.entry((*a).to_owned())
                .or_default()
                .insert((*b).to_owned());
            g.entry((*b).to_owned()).or_default();
        }
        g
    };
    assert!(on_a_cycle(&graph(&[("a", "b"), ("b", "c")])).is_empty());
    assert_eq!(
        on_a_cycle(&graph(&[("x", "a"), ("a", "b"), ("b", "a"), ("b", "c")])),
        vec!["a".to_owned(), "b".to_owned()]
    );
    let paths = named_paths(
        &["jobs".to_owned(), "worker".to_owned()],
        false,
        "use crate::model::{jobs::JobRecord, events};\nuse super::outcome::decide;",
    );
    assert!(paths.contains(&vec!["model".to_owned(), "jobs".to_owned()]));
    assert!(paths.contains(&vec!["model".to_owned(), "events".to_owned()]));
    assert!(paths.contains(&vec![
        "jobs".to_owned(),
        "outcome".to_owned(),
        "decide".to_owned()
    ]));
}
