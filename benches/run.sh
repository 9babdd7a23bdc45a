#!/usr/bin/env bash
# Whole-pipeline benchmark of the offline `songngu run` with every format, over
# generated corpora of ~5 MB and ~50 MB (>= 1,000 files each of ~50 KB, built
# at run time from the shipped example article, paragraphs shuffled). Reports
# wall time, MB/s (10^6 input bytes per second) and peak RSS for each, median
# of RUNS runs, and the RSS ratio 50 MB / 5 MB: memory must be bounded by the
# documents in flight (target <= 1.5x), not by the corpus.
#
# Usage: benches/run.sh [RUNS] [JOBS]    (defaults: 3 runs, 2 jobs)
# Needs: python3, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
JOBS=${2:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=$PWD/target/release/songngu

gen() { # gen DIR FILES
  python3 - "$1" "$2" <<'PY'
import os, random, sys
out, files = sys.argv[1], int(sys.argv[2])
paras = [p.strip() for p in open("examples/bai-bao-mau.txt", encoding="utf-8").read().split("\n\n") if p.strip()]
rng = random.Random(7)
os.makedirs(out, exist_ok=True)
for i in range(files):
    body, size = [], 0
    while size < 50_000:
        p = rng.choice(paras); body.append(p); size += len(p.encode()) + 2
    sub = os.path.join(out, f"d{i % 10}")
    os.makedirs(sub, exist_ok=True)
    open(os.path.join(sub, f"bai-{i:05d}.txt"), "w", encoding="utf-8").write("\n\n".join(body) + "\n")
PY
}
gen "$work/c5" 100
gen "$work/c50" 1000

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # measure CORPUS -> "seconds rss_kb"
  : > "$work/t"; : > "$work/r"
  for _ in $(seq "$RUNS"); do
    rm -rf "$work/out"
    /usr/bin/time -f "%e %M" -o "$work/one" "$bin" run "$1" -o "$work/out" --jobs "$JOBS" --quiet
    read -r s rss < "$work/one"; echo "$s" >> "$work/t"; echo "$rss" >> "$work/r"
  done
  echo "$(median < "$work/t") $(median < "$work/r")"
}
b5=$(du -sb "$work/c5" | cut -f1); b50=$(du -sb "$work/c50" | cut -f1)
n50=$(find "$work/c50" -name '*.txt' | wc -l)
read -r s5 r5 < <(measure "$work/c5")
read -r s50 r50 < <(measure "$work/c50")
awk -v b5="$b5" -v b50="$b50" -v s5="$s5" -v s50="$s50" -v r5="$r5" -v r50="$r50" -v n50="$n50" -v runs="$RUNS" -v jobs="$JOBS" 'BEGIN {
  printf "songngu run, all formats, --jobs %d, median of %d runs (glossary: the starter glossary)\n", jobs, runs
  printf "  5 MB corpus (%.1f MB, 100 files):   %6.2f s  %6.1f MB/s  peak RSS %.1f MB\n", b5/1e6, s5, b5/1e6/s5, r5/1024
  printf " 50 MB corpus (%.1f MB, %d files): %6.2f s  %6.1f MB/s  peak RSS %.1f MB\n", b50/1e6, n50, s50, b50/1e6/s50, r50/1024
  printf "peak RSS 50 MB / 5 MB = %.2fx (target <= 1.5x)\n", r50/r5
}'
