#!/usr/bin/env bash
# Whole-pipeline benchmark of the offline `songngu run` with every format, over
# generated corpora of ~5 MB and ~50 MB (>= 1,000 files each of ~50 KB, built
# at run time from the shipped example article, paragraphs shuffled). Reports
# wall time, MB/s (10^6 input bytes per second) and peak RSS for each, median
# of RUNS runs, and the RSS ratio 50 MB / 5 MB: memory must be bounded by the
# documents in flight (target <= 1.5x), not by the corpus.
#
# With a baseline (BASE_REV, a git revision built into target/bench-base, or
# BASE_BIN, a songngu binary), every run of the 50 MB corpus is timed with the
# baseline and with this tree's build alternately, and each run's speed ratio
# (this tree / baseline) is printed, then the medians.
#
# Usage: [BASE_REV=rev | BASE_BIN=path] [GLOSSARY=path] [WORK=dir] benches/run.sh [RUNS] [JOBS]
#   RUNS defaults to 3; JOBS defaults to none (`--jobs` left at its default,
#   the number of CPUs). GLOSSARY is passed as `--glossary` (default: the
#   configured one, the starter glossary in glossary/). WORK is the folder
#   the work folder (corpora and every run's outputs) is made in, default
#   $TMPDIR or /tmp: WORK=/dev/shm puts the outputs on tmpfs, which takes the
#   disk (and the file system's costs) out of the figures and leaves the CPU.
# Needs: python3, GNU time (/usr/bin/time); git for BASE_REV.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
JOBS=${2:-}
work=$(mktemp -d ${WORK:+-p "$WORK"})
base_tree=""
cleanup() {
  rm -rf "$work"
  if [ -n "$base_tree" ]; then git worktree remove --force "$base_tree" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
cargo build --release --quiet
bin=$PWD/target/release/songngu
base=""
if [ -n "${BASE_REV:-}" ]; then
  base_tree="$work/base-src"
  git worktree add --detach --quiet "$base_tree" "$BASE_REV"
  (cd "$base_tree" && CARGO_TARGET_DIR="$OLDPWD/target/bench-base" cargo build --release --quiet)
  base=$PWD/target/bench-base/release/songngu
elif [ -n "${BASE_BIN:-}" ]; then
  base=$BASE_BIN
fi
extra=()
if [ -n "$JOBS" ]; then extra=(--jobs "$JOBS"); fi
if [ -n "${GLOSSARY:-}" ]; then extra+=(--glossary "$(realpath "$GLOSSARY")"); fi

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
# Each run writes into a new folder, and the outputs are deleted only at the
# end: on ext4 without a journal (this project's machine), creating a file
# scans past every inode freed in the last ~35 s, so deleting the previous
# run's 8,000 files just before a run made each file creation cost ~1 ms
# (measured with strace -c and -T on the 50 MB run: 922 us per openat after a
# deletion of ~30,000 files, 166 us without) -- a cost of the benchmark's cleanup, not of the
# tool. Needs free disk for all runs' outputs (~1.3 GB per 50 MB run).
# On tmpfs (WORK=/dev/shm) there is no such trap, and the outputs are held in
# memory: each run's outputs are deleted right after it.
on_tmpfs=$([ "$(stat -f -c %T "$work")" = tmpfs ] && echo 1 || true)
once() { # once BINARY CORPUS -> "seconds rss_kb"
  local out; out=$(mktemp -d "$work/out-XXXXXX")
  /usr/bin/time -f "%e %M" -o "$work/one" "$1" run "$2" -o "$out" "${extra[@]}" --quiet
  du -sb "$out" | cut -f1 > "$work/outbytes"
  if [ -n "$on_tmpfs" ]; then rm -rf "$out"; fi
  cat "$work/one"
}
measure() { # measure BINARY CORPUS -> "seconds rss_kb" (medians)
  : > "$work/t"; : > "$work/r"
  for _ in $(seq "$RUNS"); do
    read -r s rss < <(once "$1" "$2"); echo "$s" >> "$work/t"; echo "$rss" >> "$work/r"
  done
  echo "$(median < "$work/t") $(median < "$work/r")"
}
b5=$(du -sb "$work/c5" | cut -f1); b50=$(du -sb "$work/c50" | cut -f1)
n50=$(find "$work/c50" -name '*.txt' | wc -l)
jobs_shown=${JOBS:-default}
if [ -n "$base" ]; then
  echo "songngu run, all formats, --jobs $jobs_shown, 50 MB corpus ($n50 files, $(awk -v b="$b50" 'BEGIN{printf "%.1f", b/1e6}') MB), starter glossary"
  : > "$work/bt"; : > "$work/br"; : > "$work/nt"; : > "$work/nr"; : > "$work/ratio"
  for i in $(seq "$RUNS"); do
    read -r bs br < <(once "$base" "$work/c50")
    read -r ns nr < <(once "$bin" "$work/c50")
    echo "$bs" >> "$work/bt"; echo "$br" >> "$work/br"; echo "$ns" >> "$work/nt"; echo "$nr" >> "$work/nr"
    awk -v b="$b50" -v bs="$bs" -v ns="$ns" -v br="$br" -v nr="$nr" -v i="$i" 'BEGIN {
      printf "  run %d: baseline %6.2f s %6.1f MB/s RSS %5.1f MB | this tree %6.2f s %6.1f MB/s RSS %5.1f MB | ratio %.2fx\n",
        i, bs, b/1e6/bs, br/1024, ns, b/1e6/ns, nr/1024, bs/ns }' | tee -a "$work/ratio"
  done
  bs=$(median < "$work/bt"); br=$(median < "$work/br"); ns=$(median < "$work/nt"); nr=$(median < "$work/nr")
  awk -v b="$b50" -v bs="$bs" -v ns="$ns" -v br="$br" -v nr="$nr" -v runs="$RUNS" 'BEGIN {
    printf "median of %d: baseline %.1f MB/s (RSS %.1f MB), this tree %.1f MB/s (RSS %.1f MB), ratio %.2fx (goal >= 25 MB/s)\n",
      runs, b/1e6/bs, br/1024, b/1e6/ns, nr/1024, bs/ns }'
fi
read -r s5 r5 < <(measure "$bin" "$work/c5")
read -r s50 r50 < <(measure "$bin" "$work/c50")
awk -v b5="$b5" -v b50="$b50" -v s5="$s5" -v s50="$s50" -v r5="$r5" -v r50="$r50" -v n50="$n50" -v runs="$RUNS" -v jobs="$jobs_shown" 'BEGIN {
  printf "songngu run, all formats, --jobs %s, median of %d runs (glossary: the starter glossary)\n", jobs, runs
  printf "  5 MB corpus (%.1f MB, 100 files):   %6.2f s  %6.1f MB/s  peak RSS %.1f MB\n", b5/1e6, s5, b5/1e6/s5, r5/1024
  printf " 50 MB corpus (%.1f MB, %d files): %6.2f s  %6.1f MB/s  peak RSS %.1f MB\n", b50/1e6, n50, s50, b50/1e6/s50, r50/1024
  printf "peak RSS 50 MB / 5 MB = %.2fx (target <= 1.5x)\n", r50/r5
}'
awk -v o="$(cat "$work/outbytes")" -v b50="$b50" 'BEGIN { printf "outputs of the last 50 MB run: %.0f MB (%.1fx the input)\n", o/1e6, o/b50 }'
