//! `songngu tm stats|export|import`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use songngu::corrections::read_corrections;
use songngu::tm::Tm;

use super::args::TmCommand;
use super::load_config;

pub fn run(cmd: TmCommand, config: Option<PathBuf>, quiet: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let path = config.resolve(&config.tm.path);
    let tm = Tm::open(&path)?;
    match cmd {
        TmCommand::Stats => {
            for (what, n) in tm.stats()? {
                println!("{n:>8}  {what}");
            }
        }
        TmCommand::Export { output } => {
            let pairs = tm.pairs()?;
            let srclang = pairs
                .first()
                .map_or(config.languages.source.as_str(), |p| p.from.as_str())
                .to_owned();
            let tolang = pairs
                .first()
                .map_or(config.languages.target.as_str(), |p| p.to.as_str())
                .to_owned();
            let rows: Vec<(String, String, String, Option<String>)> = pairs
                .iter()
                .filter(|p| p.from == srclang && p.to == tolang)
                .enumerate()
                .map(|(i, p)| {
                    (
                        format!("tm{i}"),
                        p.source.clone(),
                        p.target.clone(),
                        Some(p.origin.clone()),
                    )
                })
                .collect();
            let x = songngu::formats::tmx_document(&srclang, &tolang, &rows);
            match output {
                Some(o) => songngu::atomic::write_atomic(&o, x.as_bytes())?,
                None => std::io::stdout().lock().write_all(x.as_bytes())?,
            }
        }
        TmCommand::Import { file } => {
            let (found, langs) = read_corrections(&file)?;
            let (from, to) = langs.unwrap_or((
                config.languages.source.clone(),
                config.languages.target.clone(),
            ));
            let n = songngu::corrections::import(&tm, &from, &to, &found)?;
            if !quiet {
                let skipped = n.unchanged + n.machine + n.needs_work + n.commented;
                eprintln!(
                    "imported {} correction(s) into {}; {skipped} row(s) skipped: {} unchanged \
                     (already in the memory, or an edit that gives back the target it replaces), \
                     {} unchanged machine target(s), {} needing work, {} only commented or without a target",
                    n.imported,
                    path.display(),
                    n.unchanged,
                    n.machine,
                    n.needs_work,
                    n.commented
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
