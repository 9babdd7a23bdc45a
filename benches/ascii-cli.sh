#!/usr/bin/env bash
# Whole-process benchmark of `songngu ascii` (stdin -> stdout streaming) against
# `iconv -f UTF-8 -t ASCII//TRANSLIT` in a UTF-8 locale, on the same >= 50 MB
# file built at run time from the shipped example article. Reports the median
# wall time of N runs of each, the ratio, and songngu's peak RSS.
#
# Usage: benches/ascii-cli.sh [MB] [RUNS]     (defaults: 50 MB, 7 runs)
# Needs: python3, GNU time (/usr/bin/time), iconv (glibc).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-50}
RUNS=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
bin=target/release/songngu
corpus="$work/corpus.txt"
python3 - "$corpus" "$MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
paras = [p.strip() for p in open("examples/bai-bao-mau.txt", encoding="utf-8").read().split("\n\n") if p.strip()]
rng = random.Random(1)
out, size = [], 0
while size < mb * 1_000_000:
    p = rng.choice(paras)
    out.append(p)
    size += len(p.encode()) + 2
open(path, "w", encoding="utf-8").write("\n\n".join(out) + "\n")
PY
bytes=$(stat -c %s "$corpus")

# run CMD...: prints "seconds maxrss_kb" for one run, output to /dev/null.
run() { /usr/bin/time -f "%e %M" -o "$work/t" "$@" < "$corpus" > /dev/null; cat "$work/t"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$work/s"; : > "$work/i"; : > "$work/r"
for _ in $(seq "$RUNS"); do
  read -r s rss < <(run "$bin" ascii); echo "$s" >> "$work/s"; echo "$rss" >> "$work/r"
  read -r s _ < <(run env LC_ALL=C.UTF-8 iconv -f UTF-8 -t ASCII//TRANSLIT); echo "$s" >> "$work/i"
done
s=$(median < "$work/s"); i=$(median < "$work/i"); rss=$(sort -n "$work/r" | tail -1)
# The outputs must agree on this corpus (both are plain Vietnamese folding).
cmp <("$bin" ascii < "$corpus") <(LC_ALL=C.UTF-8 iconv -f UTF-8 -t ASCII//TRANSLIT < "$corpus") \
  && same=identical || same=DIFFERENT
awk -v b="$bytes" -v s="$s" -v i="$i" -v rss="$rss" -v runs="$RUNS" -v same="$same" 'BEGIN {
  printf "corpus: %.1f MB, %d runs each, medians; outputs %s\n", b/1e6, runs, same
  printf "songngu ascii : %6.3f s  %7.0f MB/s  peak RSS %.1f MB (max of runs)\n", s, b/1e6/s, rss/1024
  printf "iconv TRANSLIT: %6.3f s  %7.0f MB/s\n", i, b/1e6/i
  printf "ratio songngu/iconv speed: %.2fx (target >= 2x); RSS target < 20 MB\n", i/s
}'
