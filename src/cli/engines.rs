//! `songngu engines [--check]`.

use std::path::PathBuf;
use std::process::ExitCode;

use songngu::config::EngineKind;
use songngu::glossary::Glossary;
use songngu::translate::{AnyEngine, Engine};

/// How a key variable stands, without ever showing the key.
fn key_state(var: &str, required: bool) -> &'static str {
    match (
        std::env::var_os(var).is_some_and(|v| !v.is_empty()),
        required,
    ) {
        (true, _) => "set",
        (false, true) => "missing (required)",
        (false, false) => "not set (optional)",
    }
}

use super::args::EnginesArgs;
use super::load_config;

/// The engine named by a flag, or the configured one.
pub fn engine_kind(flag: Option<&str>, configured: EngineKind) -> anyhow::Result<EngineKind> {
    match flag {
        None => Ok(configured),
        Some(name) => EngineKind::from_name(name).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown engine `{name}`; use one of: {}",
                EngineKind::ALL.map(EngineKind::name).join(", ")
            )
        }),
    }
}

pub fn run(args: &EnginesArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let kind = engine_kind(args.engine.as_deref(), config.translate.engine)?;
    if !args.check && !args.prune_glossaries {
        println!(
            "{:<16} {:<10} {:<40} key (variable)",
            "engine", "available", "url"
        );
        for k in EngineKind::ALL {
            let (available, url, key) = match k {
                EngineKind::None => ("yes", "(offline)".to_owned(), "-"),
                EngineKind::Apertium => ("yes", config.engines.apertium.url.clone(), "-"),
                EngineKind::Libretranslate => (
                    "yes",
                    config.engines.libretranslate.url.clone(),
                    key_state("LIBRETRANSLATE_API_KEY", false),
                ),
                EngineKind::Deepl => (
                    "yes",
                    config.engines.deepl.url.clone(),
                    key_state("DEEPL_API_KEY", true),
                ),
                EngineKind::Google => (
                    "yes",
                    config.engines.google.url.clone(),
                    key_state("GOOGLE_API_KEY", true),
                ),
                EngineKind::Openai => (
                    "yes",
                    config.engines.openai.url.clone(),
                    key_state("OPENAI_API_KEY", false),
                ),
            };
            let mark = if k == kind { "*" } else { " " };
            let var = match k {
                EngineKind::Deepl => "DEEPL_API_KEY: ",
                EngineKind::Google => "GOOGLE_API_KEY: ",
                EngineKind::Openai => "OPENAI_API_KEY: ",
                EngineKind::Libretranslate => "LIBRETRANSLATE_API_KEY: ",
                _ => "",
            };
            println!(
                "{mark}{:<15} {available:<10} {url:<40} {var}{key}",
                k.name()
            );
        }
        println!("(* = configured; `songngu engines --check` probes it)");
        return Ok(ExitCode::SUCCESS);
    }
    let engine = AnyEngine::from_config(&config, kind)?;
    if args.prune_glossaries {
        let AnyEngine::Deepl(deepl) = &engine else {
            anyhow::bail!(
                "--prune-glossaries is for the deepl engine (name it with --engine deepl)"
            );
        };
        let (glossary, _) = Glossary::load(&config, &[])?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        return match rt.block_on(deepl.prune_glossaries(&glossary.content_hash())) {
            Ok(deleted) => {
                for name in &deleted {
                    println!("deleted {name}");
                }
                println!(
                    "deepl: {} stale songngu glossar(ies) deleted",
                    deleted.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("songngu: error: deepl: {e}");
                Ok(ExitCode::from(1))
            }
        };
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match rt.block_on(engine.check(&config.languages.source, &config.languages.target)) {
        Ok(found) => {
            println!("{}: ok: {found}", engine.name());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("songngu: error: {}: {e}", engine.name());
            Ok(ExitCode::from(1))
        }
    }
}
