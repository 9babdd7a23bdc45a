//! The library's layering (docs/architecture.md), checked on the source:
//! every `crate::…` path in `src/**/*.rs` (the binary's `main.rs` and
//! `cli/` excepted) is an edge from the file's top-level module to the
//! module it names, and must be allowed by [`ALLOWED`]; no library module
//! may name `cli`; and the edges found must have no cycle.
//!
//! Comments are skipped (a doc link is not an import). Names re-exported
//! at the crate root (`crate::Config`, `crate::Result`) are followed to
//! their module through `lib.rs`'s `pub use` lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The ground floor: these import nothing of the crate but each other.
const GROUND: [&str; 6] = [
    "diagnostic",
    "error",
    "document",
    "xml",
    "transliterate",
    "secrets",
];

/// Each library module and the modules it may import.
const ALLOWED: &[(&str, &[&str])] = &[
    // The ground floor.
    ("diagnostic", &[]),
    ("xml", &[]),
    ("transliterate", &[]),
    ("secrets", &[]),
    ("error", &["diagnostic"]),
    ("document", &["diagnostic"]),
    // Helpers on the ground floor's error type.
    ("atomic", &["error"]),
    // Reading a file as text (read_utf8) and one_line.
    ("plaintext", &["error"]),
    // The stages: each owns its settings, none knows the configuration.
    ("reader", &["document", "error", "plaintext"]),
    ("segment", &["document", "transliterate"]),
    (
        "glossary",
        &[
            "diagnostic",
            "document",
            "error",
            "plaintext",
            "transliterate",
            "xml",
        ],
    ),
    ("tm", &["document", "error"]),
    (
        "qa",
        &[
            "diagnostic",
            "document",
            "error",
            "formats",
            "glossary",
            "plaintext",
            "transliterate",
        ],
    ),
    (
        "corrections",
        &[
            "document",
            "error",
            "formats",
            "plaintext",
            "reader",
            "tm",
            "xml",
        ],
    ),
    // Writers still read the glossary (entries for the review page's
    // glossary table, severities).
    (
        "formats",
        &[
            "atomic",
            "diagnostic",
            "document",
            "error",
            "glossary",
            "transliterate",
            "xml",
            "plaintext",
        ],
    ),
    // translate/ owns its settings (`translate::settings`); the
    // configuration composes them.
    (
        "translate",
        &[
            "diagnostic",
            "document",
            "error",
            "glossary",
            "plaintext",
            "secrets",
            "tm",
            "transliterate",
            "xml",
        ],
    ),
    // The configuration composes the stages' settings, translate's too.
    (
        "config",
        &[
            "diagnostic",
            "error",
            "formats",
            "glossary",
            "segment",
            "tm",
            "translate",
            "plaintext",
        ],
    ),
    // The driver runs the stages.
    (
        "pipeline",
        &[
            "atomic",
            "config",
            "corrections",
            "diagnostic",
            "document",
            "error",
            "formats",
            "glossary",
            "qa",
            "reader",
            "segment",
            "tm",
            "translate",
            "transliterate",
        ],
    ),
];

/// One `crate::` reference: the file, its line, the module named.
#[derive(Debug)]
struct Use {
    file: PathBuf,
    line: usize,
    to: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The line without its `//` comment (a `//` inside a string literal is
/// kept).
fn code_of(line: &str) -> &str {
    let mut in_str = false;
    let mut escaped = false;
    let b = line.as_bytes();
    for i in 0..b.len() {
        let c = b[i];
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
        } else if c == b'"' {
            in_str = true;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            return &line[..i];
        }
    }
    line
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first path segments after each `crate::` in `code`: `crate::a::B`
/// gives `a`; `crate::{a, b::C}` gives `a` and `b`. A group that goes on
/// to the next lines is read from `rest` (the following lines, joined).
fn crate_names(code: &str, rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `$crate::` or `songngu_crate::` are not this crate's paths.
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '$')
        {
            continue;
        }
        let after = &code[from..];
        if let Some(group) = after.strip_prefix('{') {
            let joined = format!("{group}\n{rest}");
            let mut depth = 0usize;
            let mut item = String::new();
            for c in joined.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            if !item.trim().is_empty() {
                out.push(first_segment(&item));
            }
        } else {
            out.push(first_segment(after));
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

fn first_segment(s: &str) -> String {
    s.trim().chars().take_while(|&c| is_ident(c)).collect()
}

/// The library's modules (`pub mod X;` / `mod X;` in lib.rs) and the names
/// lib.rs re-exports, each with the module it comes from.
fn root_names(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut modules = BTreeSet::new();
    let mut reexports = BTreeMap::new();
    for line in lib.lines().map(code_of).map(str::trim) {
        let line = line.strip_prefix("pub ").unwrap_or(line);
        if let Some(m) = line.strip_prefix("mod ") {
            modules.insert(m.trim_end_matches(';').trim().to_owned());
        } else if let Some(u) = line.strip_prefix("use ") {
            let u = u.trim_end_matches(';');
            let (module, names) = u.split_once("::").expect("`pub use module::…` in lib.rs");
            let names = names.trim_start_matches('{').trim_end_matches('}');
            for n in names.split(',') {
                let n = n.trim();
                let n = n.rsplit(" as ").next().unwrap_or(n);
                let n = n.rsplit("::").next().unwrap_or(n);
                if !n.is_empty() {
                    reexports.insert(n.to_owned(), module.trim().to_owned());
                }
            }
        }
    }
    (modules, reexports)
}

/// Every `crate::` reference of the library, by the module it is in.
fn uses(src: &Path) -> BTreeMap<String, Vec<Use>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let (modules, reexports) = root_names(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        // The binary (main.rs, cli/) and the module list itself.
        if module == "main" || module == "cli" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().map(code_of).collect();
        for (i, code) in lines.iter().enumerate() {
            let rest = lines[i + 1..lines.len().min(i + 40)].join("\n");
            for name in crate_names(code, &rest) {
                let to = if modules.contains(&name) || name == "cli" {
                    name
                } else if let Some(m) = reexports.get(&name) {
                    m.clone()
                } else {
                    panic!(
                        "{}:{}: `crate::{name}` is neither a module nor a re-export of lib.rs",
                        file.display(),
                        i + 1
                    );
                };
                if to != module {
                    out.entry(module.clone()).or_default().push(Use {
                        file: file.clone(),
                        line: i + 1,
                        to,
                    });
                }
            }
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_table_keeps_the_ground_floor_at_the_bottom() {
    let table: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    assert_eq!(table.len(), ALLOWED.len(), "a module listed twice");
    for g in GROUND {
        let deps = table.get(g).unwrap_or_else(|| panic!("{g} not in ALLOWED"));
        for d in *deps {
            assert!(GROUND.contains(d), "ground-floor {g} may not import {d}");
        }
    }
    for (m, deps) in ALLOWED {
        assert!(!deps.contains(&"cli"), "{m} may not import cli");
        for d in *deps {
            assert!(
                table.contains_key(d),
                "{m} lists {d}, which is not in ALLOWED"
            );
        }
    }
}

/// The imports of the library under `src` that [`ALLOWED`] does not
/// allow, as `file:line: …`.
fn violations(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let (modules, _) = root_names(&lib);
    let table: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut bad = Vec::new();
    for m in &modules {
        if !table.contains_key(m.as_str()) {
            bad.push(format!(
                "{}: module `{m}` is not in tests/architecture.rs ALLOWED: say what it may import",
                src.join("lib.rs").display()
            ));
        }
    }
    for (module, found) in uses(src) {
        let allowed = table.get(module.as_str()).copied().unwrap_or(&[]);
        for u in found {
            if u.to == "cli" || !allowed.contains(&u.to.as_str()) {
                bad.push(format!(
                    "{}:{}: {module} imports {} (not allowed in tests/architecture.rs)",
                    u.file.display(),
                    u.line,
                    u.to
                ));
            }
        }
    }
    bad
}

#[test]
fn every_import_follows_the_layering() {
    let bad = violations(&src());
    assert!(
        bad.is_empty(),
        "upward or unlisted imports:\n{}",
        bad.join("\n")
    );
}

#[test]
fn an_upward_import_is_reported_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("glossary")).unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "pub mod config;\npub mod error;\npub mod glossary;\npub mod extra;\n\
         pub use config::Config;\npub use error::{Error, Result};\n",
    )
    .unwrap();
    std::fs::write(src.join("config.rs"), "use crate::error::Error;\n").unwrap();
    std::fs::write(src.join("error.rs"), "// crate::glossary in a comment\n").unwrap();
    std::fs::write(src.join("extra.rs"), "").unwrap();
    std::fs::write(
        src.join("glossary/mod.rs"),
        "use crate::error::Result;\n\nfn f(c: &crate::Config) {}\nuse crate::cli::x;\n",
    )
    .unwrap();
    let bad = violations(src);
    let shown: Vec<String> = bad
        .iter()
        .map(|b| b.replace(&src.display().to_string(), "SRC"))
        .collect();
    assert_eq!(
        shown,
        [
            "SRC/lib.rs: module `extra` is not in tests/architecture.rs ALLOWED: say what it may import",
            "SRC/glossary/mod.rs:3: glossary imports config (not allowed in tests/architecture.rs)",
            "SRC/glossary/mod.rs:4: glossary imports cli (not allowed in tests/architecture.rs)",
        ]
    );
}

/// A cycle in `edges`, if there is one (depth-first search).
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_cycle_among_library_modules() {
    let found = uses(&src());
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut at: BTreeMap<(String, String), String> = BTreeMap::new();
    for (module, list) in &found {
        for u in list {
            edges
                .entry(module.clone())
                .or_default()
                .insert(u.to.clone());
            at.entry((module.clone(), u.to.clone()))
                .or_insert_with(|| format!("{}:{}", u.file.display(), u.line));
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                format!(
                    "  {} -> {} ({})",
                    w[0],
                    w[1],
                    at[&(w[0].clone(), w[1].clone())]
                )
            })
            .collect();
        panic!("import cycle:\n{}", steps.join("\n"));
    }
}

#[test]
fn the_checker_sees_grouped_and_root_paths() {
    assert_eq!(crate_names("use crate::glossary::Hit;", ""), ["glossary"]);
    assert_eq!(
        crate_names(
            "use crate::{",
            "document::Flag,\n    error::{Error, Result},\n};"
        ),
        ["document", "error"]
    );
    assert_eq!(
        crate_names(
            "fn f() -> crate::Result<()> { crate::xml::escape(\"//\") }",
            ""
        ),
        ["Result", "xml"]
    );
    assert_eq!(
        code_of("let u = \"http://x\"; // crate::cli"),
        "let u = \"http://x\"; "
    );
    assert!(crate_names(code_of("/// See [`crate::formats::plan`]."), "").is_empty());
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges
        .entry("config".into())
        .or_default()
        .insert("error".into());
    edges
        .entry("error".into())
        .or_default()
        .insert("glossary".into());
    assert_eq!(find_cycle(&edges), None);
    edges
        .entry("glossary".into())
        .or_default()
        .insert("config".into());
    assert_eq!(
        find_cycle(&edges).unwrap(),
        ["config", "error", "glossary", "config"]
    );
}
