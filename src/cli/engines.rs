//! `songngu engines [--check]`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use songngu::config::EngineKind;
use songngu::glossary::Glossary;
use songngu::translate::{AnyEngine, Engine, key_present, key_variable};

/// How a key variable stands, without ever showing the key.
fn key_state(var: &str, required: bool) -> &'static str {
    match (key_present(var), required) {
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
        writeln!(
            super::Out::new(),
            "{:<16} {:<17} {:<40} key (variable)",
            "engine",
            "ready",
            "url"
        )?;
        for k in EngineKind::ALL {
            let url = match k {
                EngineKind::None => "(offline)".to_owned(),
                EngineKind::Apertium => config.engines.apertium.url.clone(),
                EngineKind::Libretranslate => config.engines.libretranslate.url.clone(),
                EngineKind::Deepl => config.engines.deepl.url.clone(),
                EngineKind::Google => config.engines.google.url.clone(),
                EngineKind::Openai => config.engines.openai.url.clone(),
            };
            // Ready: `run` would start with it (a required key is present,
            // the openai model is set); the server itself is `--check`'s job.
            let key = key_variable(k);
            let ready = match key {
                Some((var, true)) if !key_present(var) => "no (key missing)",
                _ if k == EngineKind::Openai
                    && config
                        .engines
                        .openai
                        .model
                        .as_deref()
                        .is_none_or(|m| m.trim().is_empty()) =>
                {
                    "no (model unset)"
                }
                _ => "yes",
            };
            let key = key.map_or_else(
                || "-".to_owned(),
                |(var, required)| format!("{var}: {}", key_state(var, required)),
            );
            let mark = if k == kind { "*" } else { " " };
            writeln!(
                super::Out::new(),
                "{mark}{:<15} {ready:<17} {url:<40} {key}",
                k.name()
            )?;
        }
        writeln!(
            super::Out::new(),
            "(* = configured; `songngu engines --check` probes it)"
        )?;
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
                    writeln!(super::Out::new(), "deleted {name}")?;
                }
                writeln!(
                    super::Out::new(),
                    "deepl: {} stale songngu glossar(ies) deleted",
                    deleted.len()
                )?;
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
            writeln!(super::Out::new(), "{}: ok: {found}", engine.name())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("songngu: error: {}: {e}", engine.name());
            Ok(ExitCode::from(1))
        }
    }
}
