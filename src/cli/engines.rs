//! `songngu engines [--check]`.

use std::path::PathBuf;
use std::process::ExitCode;

use songngu::config::EngineKind;
use songngu::translate::{AnyEngine, Engine};

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
    if !args.check {
        println!("{:<16} {:<10} {:<40} key", "engine", "available", "url");
        for k in EngineKind::ALL {
            let (available, url, key) = match k {
                EngineKind::None => ("yes", "(offline)".to_owned(), "-"),
                EngineKind::Apertium => ("yes", config.engines.apertium.url.clone(), "-"),
                EngineKind::Libretranslate => (
                    "yes",
                    config.engines.libretranslate.url.clone(),
                    if std::env::var_os("LIBRETRANSLATE_API_KEY").is_some() {
                        "LIBRETRANSLATE_API_KEY set"
                    } else {
                        "LIBRETRANSLATE_API_KEY (optional)"
                    },
                ),
                EngineKind::Deepl => ("not yet", config.engines.deepl.url.clone(), "DEEPL_API_KEY"),
                EngineKind::Google => (
                    "not yet",
                    config.engines.google.url.clone(),
                    "GOOGLE_API_KEY",
                ),
                EngineKind::Openai => (
                    "not yet",
                    config.engines.openai.url.clone(),
                    "OPENAI_API_KEY",
                ),
            };
            let mark = if k == kind { "*" } else { " " };
            println!("{mark}{:<15} {available:<10} {url:<40} {key}", k.name());
        }
        println!("(* = configured; `songngu engines --check` probes it)");
        return Ok(ExitCode::SUCCESS);
    }
    let engine = AnyEngine::from_config(&config, kind)?;
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
