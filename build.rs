//! Build script: says, on every `cargo build`/`cargo test` of a checkout, when
//! the review page's browser tests (`tests/review.rs`) will be skipped because
//! Chromium, node or the test's npm packages are missing, and how to enable
//! them. A skipped test passes, so without this a fresh clone would not know
//! the page was never tried in a browser. Nothing is built here.

use std::path::PathBuf;

#[allow(clippy::print_stdout)] // what a build script says goes to stdout
fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let browser_dir = manifest.join("tests/browser");
    println!("cargo::rerun-if-env-changed=CHROMIUM");
    println!("cargo::rerun-if-changed=build.rs");
    // Only a checkout with the browser tests (not a packaged crate).
    if !browser_dir.join("package.json").exists() {
        return;
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    // Look again when one appears or goes. Only paths that exist are
    // watched (cargo re-runs a build script every time for a missing one),
    // and never a large tree: the browser test folder (node_modules appears
    // in it), and Chromium itself or, while it is missing, its folder.
    println!("cargo::rerun-if-changed={}", browser_dir.display());
    if chromium.exists() {
        println!("cargo::rerun-if-changed={}", chromium.display());
    } else if let Some(dir) = chromium
        .parent()
        .filter(|d| d.is_dir() && d.parent().is_some())
    {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
    if let Some(warning) = skip_warning(&chromium, &browser_dir, on_path("node")) {
        println!("cargo::warning={warning}");
    }
}

/// What to say when the browser tests cannot run: what is missing, and how
/// to install it. `None` when nothing is missing. (`tests/review.rs` tests
/// it.)
pub(crate) fn skip_warning(
    chromium: &std::path::Path,
    browser_dir: &std::path::Path,
    node: bool,
) -> Option<String> {
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!(
            "{} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    if !node {
        missing.push("node (apt-get install nodejs)".to_owned());
    }
    if !browser_dir.join("node_modules/playwright-core").exists() {
        missing.push("playwright-core (cd tests/browser && npm ci)".to_owned());
    }
    (!missing.is_empty()).then(|| {
        format!(
            "the review page's browser tests in tests/review.rs will be SKIPPED \
             (they pass without running): missing {}. Install them to run the tests; \
             SONGNGU_REQUIRE_BROWSER=1 turns a skip into a failure.",
            missing.join(", ")
        )
    })
}

/// Whether `program` is an executable file in a folder of `$PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
