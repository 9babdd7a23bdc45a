//! `songngu engines [--check]`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use songngu::glossary::Glossary;
use songngu::translate::{AnyEngine, ENGINES, Engine, EngineKind, key_present};

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
                EngineKind::names().join(", ")
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
        for k in EngineKind::all() {
            let spec = k.spec();
            let settings = spec.map(|s| &config.engines[s.name]);
            let url = settings.map_or("(offline)", |s| s.url.as_str());
            // Ready: `run` would start with it (a required key is present,
            // the settings it needs are there); the server itself is
            // `--check`'s job.
            let ready = match spec.zip(settings).and_then(|(s, c)| s.unready_reason(c)) {
                Some(why) => format!("no ({why})"),
                None => "yes".to_owned(),
            };
            let key = spec.and_then(|s| s.key).map_or_else(
                || "-".to_owned(),
                |k| format!("{}: {}", k.var, key_state(k.var, k.required)),
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
    let engine = AnyEngine::from_config(&config.engines, kind)?;
    if args.prune_glossaries {
        if !kind
            .spec()
            .is_some_and(|s| s.capabilities.server_glossaries)
        {
            let names: Vec<&str> = ENGINES
                .iter()
                .filter(|s| s.capabilities.server_glossaries)
                .map(|s| s.name)
                .collect();
            anyhow::bail!(
                "--prune-glossaries is for the {} engine (name it with --engine {})",
                names.join(" or "),
                names.join(" or --engine ")
            );
        }
        let (glossary, _) = Glossary::load(&config, &[])?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let name = engine.name();
        return match rt.block_on(engine.prune_glossaries(&glossary.content_hash())) {
            Ok(deleted) => {
                for name in &deleted {
                    writeln!(super::Out::new(), "deleted {name}")?;
                }
                writeln!(
                    super::Out::new(),
                    "{name}: {} stale songngu glossar(ies) deleted",
                    deleted.len()
                )?;
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("songngu: error: {name}: {e}");
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
