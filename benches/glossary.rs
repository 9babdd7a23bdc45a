//! Glossary matching at scale: 1k, 10k and 100k synthetic Vietnamese
//! multi-syllable entries over ≥ 20 MB of Vietnamese text built at run time
//! from the shipped example article. Reports, per size: matcher build time
//! and the memory it holds (counted by a tracking allocator), and matching
//! throughput (median of runs, MB/s = 10^6 input bytes per second), with a
//! naive loop of `str::replace` over the same 1k entries (on a 1 MB prefix)
//! as the baseline in the same run.
//!
//! `cargo bench --bench glossary`; `SONGNGU_BENCH_MB=5` for a shorter run,
//! `SONGNGU_BENCH_RUNS=N` (default 5) timed runs per configuration,
//! `SONGNGU_BENCH_SIZES=100000` one size only (for profiling).

// The tracking allocator is the one place that needs `unsafe`.
#![allow(missing_docs, unsafe_code, clippy::print_stderr, clippy::print_stdout)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use songngu::config::{CaseRule, Diacritics};
use songngu::glossary::{Glossary, Matcher};

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/entries.rs"]
mod entries;
use entries::entries;

/// Counts live and peak heap bytes.
struct Tracking;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarding to the system allocator with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and test discovery
    }
    let mb: usize = std::env::var("SONGNGU_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let runs: usize = std::env::var("SONGNGU_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let text = corpus::vietnamese_text(mb * 1_000_000);
    // The pipeline matches segment by segment; so does the benchmark (paragraphs).
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    println!(
        "corpus: {:.1} MB in {} paragraphs; {runs} timed runs per configuration, medians",
        text.len() as f64 / 1e6,
        paragraphs.len()
    );
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>12}",
        "entries", "build s", "matcher MB", "MB/s", "hits"
    );
    let mut mbps_1k = 0.0;
    let mut entries_1k = Vec::new();
    // `SONGNGU_BENCH_SIZES=100000` profiles one size alone (the 1k row and the
    // baseline are still needed for the ratio, so they run whenever 1000 is listed).
    let sizes: Vec<usize> = std::env::var("SONGNGU_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let es = entries(n, &text);
        let glossary = Glossary {
            entries: es.clone(),
            files: Vec::new(),
        };
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let t = Instant::now();
        let matcher =
            Matcher::new(&glossary, CaseRule::Permissive, Diacritics::Flag).expect("matcher");
        let build = t.elapsed().as_secs_f64();
        let held = (LIVE.load(Ordering::Relaxed) - before) as f64 / 1e6;
        let peak = (PEAK.load(Ordering::Relaxed) - before) as f64 / 1e6;
        let mut hits = 0;
        let times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                hits = paragraphs
                    .iter()
                    .map(|p| black_box(matcher.find(p)).hits.len())
                    .sum::<usize>();
                t.elapsed().as_secs_f64()
            })
            .collect();
        let mbps = text.len() as f64 / 1e6 / median(times);
        println!(
            "{n:>8} {build:>10.3} {held:>12.1} {mbps:>10.1} {hits:>12}   (build peak {peak:.1} MB)"
        );
        if n == 1_000 {
            mbps_1k = mbps;
            entries_1k = es;
        }
        drop(matcher);
    }
    if entries_1k.is_empty() {
        return;
    }
    // Baseline: a naive loop of str::replace over the same 1k entries, 1 MB prefix.
    let prefix_len = text.floor_char_boundary(1_000_000.min(text.len()));
    let prefix = &text[..prefix_len];
    let times: Vec<f64> = (0..runs.min(3))
        .map(|_| {
            let t = Instant::now();
            let mut s = prefix.to_owned();
            for e in &entries_1k {
                if s.contains(&e.source) {
                    s = s.replace(&e.source, &e.target);
                }
            }
            black_box(s);
            t.elapsed().as_secs_f64()
        })
        .collect();
    let naive = prefix.len() as f64 / 1e6 / median(times);
    println!("baseline naive str::replace loop, 1k entries: {naive:.1} MB/s");
    println!(
        "ratio songngu / naive at 1k entries: {:.1}x",
        mbps_1k / naive
    );
    println!("targets: >= 100 MB/s at 100k entries; build <= 1.5 s and <= 200 MB");
}
