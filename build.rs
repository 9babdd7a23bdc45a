//! Build script: says, on every `cargo build`/`cargo test` of a checkout, when
//! the review page's browser tests (`tests/review.rs`) will be skipped because
//! Chromium, node or the test's npm packages are missing, and how to enable
//! them. A skipped test passes, so without this a fresh clone would not know
//! the page was never tried in a browser. Nothing is built here.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let browser_dir = manifest.join("tests/browser");
    println!("cargo::rerun-if-env-changed=CHROMIUM");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-changed=build.rs");
    // Only a checkout with the browser tests (not a packaged crate).
    if !browser_dir.join("package.json").exists() {
        return;
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let modules = browser_dir.join("node_modules/playwright-core");
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
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!(
            "{} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    if !on_path("node") {
        missing.push("node (apt-get install nodejs)".to_owned());
    }
    if !modules.exists() {
        missing.push("playwright-core (cd tests/browser && npm ci)".to_owned());
    }
    if !missing.is_empty() {
        println!(
            "cargo::warning=the review page's browser tests in tests/review.rs will be SKIPPED \
             (they pass without running): missing {}. Install them to run the tests; \
             SONGNGU_REQUIRE_BROWSER=1 turns a skip into a failure.",
            missing.join(", ")
        );
    }
}

/// Whether `program` is an executable file in a folder of `$PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
