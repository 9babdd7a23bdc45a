#!/usr/bin/env bash
# Rows "run on one 200 MB file without a newline" and "run on a 1 GB file"
# of the scale table (docs/benchmarks.md), starter glossary: this build side
# by side with the baseline build (the commit before the streaming change,
# BASE_COMMIT, default 9f7104b) in the same invocation, RUNS runs each,
# interleaved, each under GNU time (`/usr/bin/time -v`): wall time, CPU time,
# peak RSS and exit status of every run, then the medians.
#
# The 200 MB file is the news paragraphs of benches/scale_data.py joined by
# spaces, with no newline at all; it is run with every format. The 1 GB file
# is news text with paragraphs (scale_data.py news); it is run with
# BIG_FORMATS (default jsonl: every format would write about 30 times the
# input, more than the disk of the 2-core machine holds). Both builds run
# under the same address-space limit (VMEM_KB, default 8 GB) so that a
# build that would take all the machine's memory fails instead of pushing
# other work out. Data and outputs go to a folder under TMPDIR (/tmp),
# removed at the end; outputs are removed after each run.
#
# Usage: benches/scale-big-file.sh [RUNS] [LINE_MB] [BIG_MB]
#        (defaults: 3 runs, 200 MB, 1000 MB)
# Env: BASE_BIN, BASE_DIR, BASE_COMMIT (see scale-common.sh), NEW_BIN (this
#      build's binary, instead of building it), BIG_FORMATS, VMEM_KB.
# Needs: python3, GNU time, about 30 * LINE_MB + 7 * BIG_MB MB free in TMPDIR.
BASE_COMMIT=${BASE_COMMIT:-9f7104b}
BASE_DIR=${BASE_DIR:-/tmp/stream-base}
source "$(dirname "$0")/scale-common.sh"
RUNS=${1:-3}
LINE_MB=${2:-200}
BIG_MB=${3:-1000}
BIG_FORMATS=${BIG_FORMATS:-jsonl}
VMEM_KB=${VMEM_KB:-8000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/songngu-big.XXXXXX")
trap 'rm -rf "$work"' EXIT
df -h "$work" | tail -1 | awk '{print "free in " $6 ": " $4}'
if [ -n "${NEW_BIN:-}" ]; then NEW=$NEW_BIN; else build_new; fi
build_base
python3 benches/scale_data.py line "$LINE_MB" "$work/line.txt"
truncate -s -1 "$work/line.txt" # no newline at all
python3 benches/scale_data.py news "$BIG_MB" "$work/big.txt"
glossary=$PWD/glossary

# once BIN FILE ARGS...: one run; prints "wall cpu rss_mb exit last-stderr-line".
once() {
  local bin=$1 file=$2; shift 2
  rm -rf "$work/out"
  local rc=0
  # From the data folder: no config.toml of this repository is found.
  ( cd "$work"; ulimit -v "$VMEM_KB"; /usr/bin/time -v -o "$work/time" \
      "$bin" run "$file" -o "$work/out" --quiet --glossary "$glossary" "$@" \
      > /dev/null 2> "$work/err" ) || rc=$?
  rm -rf "$work/out"
  awk -v rc="$rc" -v err="$(grep -m1 -v '^$' "$work/err" | cut -c1-160)" '
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { c += $NF } /System time/ { c += $NF }
    /Maximum resident set size/ { r = $NF / 1024 }
    END { printf "%.2f %.2f %.0f %s %s\n", w, c, r, rc, (err == "" ? "-" : err) }' "$work/time"
}

row() { # row TITLE FILE ARGS...
  local title=$1 file=$2; shift 2
  echo "$title, $RUNS runs; wall s / CPU s / peak RSS MB / exit"
  : > "$work/nw"; : > "$work/nr"; : > "$work/bw"; : > "$work/br"
  for i in $(seq "$RUNS"); do
    read -r nw nc nr nrc nerr < <(once "$NEW" "$file" "$@")
    read -r bw bc br brc berr < <(once "$BASE" "$file" "$@")
    echo "$nw" >> "$work/nw"; echo "$nr" >> "$work/nr"
    echo "$bw" >> "$work/bw"; echo "$br" >> "$work/br"
    echo "  run $i: this build ${nw} s (CPU ${nc} s), ${nr} MB, exit ${nrc}; baseline ${bw} s (CPU ${bc} s), ${br} MB, exit ${brc}"
    [ "$nrc" = 0 ] || echo "    this build: $nerr"
    [ "$brc" = 0 ] || echo "    baseline: $berr"
  done
  echo "  median: this build $(median < "$work/nw") s, $(median < "$work/nr") MB; baseline $(median < "$work/bw") s, $(median < "$work/br") MB (goal: peak RSS <= 256 MB)"
}

row "run, one $LINE_MB MB line without a newline (starter glossary, all formats)" "$work/line.txt"
row "run, a $BIG_MB MB file (starter glossary, --format $BIG_FORMATS)" "$work/big.txt" --format "$BIG_FORMATS"
