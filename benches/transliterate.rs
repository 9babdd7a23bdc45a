#![allow(missing_docs, clippy::print_stderr)]
//! ASCII-stage throughput on ≥ 50 MB of Vietnamese text, side by side in the
//! same run with `deunicode::deunicode`, `any_ascii::any_ascii` and a memcpy of
//! the same buffer. After criterion's report it prints each median as MB/s
//! (10^6 input bytes per second) and the ratios the project targets
//! (≥ 3.5× deunicode, ≥ 1.7× any_ascii).
//!
//! `cargo bench --bench transliterate`; `SONGNGU_BENCH_MB=10` for a shorter run.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};

#[path = "common/corpus.rs"]
mod corpus;

const GROUP: &str = "ascii-fold";

fn bench(c: &mut Criterion, text: &str) {
    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));

    group.bench_function("songngu-fresh", |b| {
        b.iter(|| songngu::to_ascii(black_box(text)))
    });
    let mut reused = Vec::with_capacity(text.len());
    group.bench_function("songngu-reused", |b| {
        b.iter(|| {
            reused.clear();
            let mut f = songngu::Folder::new();
            f.fold(black_box(text), &mut reused);
            f.finish(&mut reused);
            black_box(reused.len())
        })
    });
    group.bench_function("deunicode", |b| {
        b.iter(|| deunicode::deunicode(black_box(text)))
    });
    group.bench_function("any_ascii", |b| {
        b.iter(|| any_ascii::any_ascii(black_box(text)))
    });
    let mut copy = vec![0u8; text.len()];
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            copy.copy_from_slice(black_box(text.as_bytes()));
            black_box(copy[0])
        })
    });
    group.finish();
}

/// Median nanoseconds per iteration from criterion's saved estimates.
fn median_ns(id: &str) -> Option<f64> {
    let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let path = format!("{dir}/criterion/{GROUP}/{id}/new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn main() {
    let mb: usize = std::env::var("SONGNGU_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let text = corpus::vietnamese_text(mb * 1_000_000);
    // The contract check that makes the comparison fair: the same output as
    // any_ascii on this corpus (deunicode differs only by deleting newlines).
    assert_eq!(songngu::to_ascii(&text), any_ascii::any_ascii(&text));

    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &text);
    c.final_summary();

    let mbps = |id| median_ns(id).map(|ns| text.len() as f64 / ns * 1e3);
    eprintln!(
        "\n== ascii-fold on {:.1} MB (median MB/s, 10^6 input bytes/s)",
        text.len() as f64 / 1e6
    );
    for id in [
        "songngu-fresh",
        "songngu-reused",
        "deunicode",
        "any_ascii",
        "memcpy",
    ] {
        if let Some(v) = mbps(id) {
            eprintln!("{id:>16}: {v:>9.0} MB/s");
        }
    }
    if let (Some(s), Some(d), Some(a)) =
        (mbps("songngu-fresh"), mbps("deunicode"), mbps("any_ascii"))
    {
        eprintln!("songngu-fresh / deunicode = {:.2}x (target >= 3.5x)", s / d);
        eprintln!("songngu-fresh / any_ascii = {:.2}x (target >= 1.7x)", s / a);
    }
}
