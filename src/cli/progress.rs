//! `songngu run`'s progress on stderr: a bar when stderr is a terminal
//! (and not `--quiet`), with each failed document's error above it;
//! nothing otherwise (the failures are then listed after the batch, see
//! [`super::report`]).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use songngu::pipeline::{DocOutcome, Progress};

/// The progress of a batch of `documents` documents.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar on a terminal unless `quiet`; silent otherwise.
    pub fn new(documents: usize, quiet: bool) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::new(documents as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents {msg}",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        Bar(Some(bar))
    }

    /// Whether errors were shown as they came (so the report need not list
    /// them again).
    pub fn showed_errors(&self) -> bool {
        self.0.is_some()
    }

    /// Takes the bar off the screen.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn document(&self, outcome: &DocOutcome) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            if let Err(e) = &outcome.result {
                bar.println(format!("songngu: error: {e}"));
            }
        }
    }
}
