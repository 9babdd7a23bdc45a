//! A scripted engine for the unit tests of the runner and the stage: it
//! replays a script of results, records every request, and answers with
//! a function of each text (upper case unless told otherwise).

use std::sync::{Arc, Mutex};

use super::{Billing, Engine, EngineError, EngineResult, Limits};

/// An engine that replays a script of results and records requests.
#[derive(Debug)]
pub(crate) struct Scripted {
    /// The result of each request in turn; `Ok` once it runs out.
    pub script: Mutex<Vec<Result<(), EngineError>>>,
    /// The texts of every request, in order.
    pub seen: Arc<Mutex<Vec<Vec<String>>>>,
    pub limits: Limits,
    /// The translation of one text.
    pub reply: fn(&str) -> String,
    /// Billed by the token (10 a text, estimated and used).
    pub by_tokens: bool,
    /// Tokens used so far (when `by_tokens`).
    pub used: Mutex<u64>,
}

impl Scripted {
    /// Answers `script` in turn, then success; batches of `max_segments`.
    pub fn new(script: Vec<Result<(), EngineError>>, max_segments: usize) -> Scripted {
        Scripted {
            script: Mutex::new(script),
            seen: Arc::default(),
            limits: Limits {
                max_segments,
                max_chars: 1000,
                concurrency: 2,
            },
            reply: str::to_uppercase,
            by_tokens: false,
            used: Mutex::new(0),
        }
    }

    /// Answers with `reply`.
    pub fn replying(mut self, reply: fn(&str) -> String) -> Scripted {
        self.reply = reply;
        self
    }
}

impl Engine for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }
    fn version(&self) -> String {
        "1".into()
    }
    fn limits(&self) -> Limits {
        self.limits
    }
    fn billing(&self) -> Billing {
        if self.by_tokens {
            Billing::Tokens
        } else {
            Billing::Characters
        }
    }
    fn estimate_tokens(&self, texts: &[String]) -> u64 {
        if self.by_tokens {
            10 * texts.len() as u64
        } else {
            0
        }
    }
    fn tokens_used(&self) -> u64 {
        *self.used.lock().unwrap()
    }
    async fn translate(&self, texts: &[String], _: &str, _: &str) -> EngineResult<Vec<String>> {
        self.seen.lock().unwrap().push(texts.to_vec());
        let next = {
            let mut s = self.script.lock().unwrap();
            if s.is_empty() { Ok(()) } else { s.remove(0) }
        };
        next?;
        if self.by_tokens {
            *self.used.lock().unwrap() += 10 * texts.len() as u64;
        }
        Ok(texts.iter().map(|t| (self.reply)(t)).collect())
    }
    async fn check(&self, _: &str, _: &str) -> EngineResult<String> {
        Ok(String::new())
    }
}
