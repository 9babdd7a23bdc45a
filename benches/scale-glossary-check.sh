#!/usr/bin/env bash
# Row "glossary check on a valid 100,000-entry glossary" of the scale table
# (docs/benchmarks.md): `songngu glossary check` whole process on generated
# glossaries of 2-4-syllable terms (benches/scale_data.py), this build side by
# side with the baseline build (the commit before the change) in the same
# invocation, RUNS runs each, interleaved; prints each run and its ratio
# (baseline / this build), then the medians. Then 1,000,000 entries, this
# build only against the goal (the baseline is quadratic there: hours; set
# BASE_1M=1 to try it anyway, capped by BASE_TIMEOUT).
#
# Usage: benches/scale-glossary-check.sh [RUNS]   (default 3)
# Env: BASE_BIN, BASE_DIR, BASE_COMMIT (see scale-common.sh); BASE_TIMEOUT
#      (default 900 s per baseline run).
# Needs: python3, GNU time.
source "$(dirname "$0")/scale-common.sh"
RUNS=${1:-3}
BASE_TIMEOUT=${BASE_TIMEOUT:-900}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build_new
build_base
python3 benches/scale_data.py glossary 100000 "$work/g100k.toml"
python3 benches/scale_data.py glossary 1000000 "$work/g1m.toml"

echo "glossary check, 100,000 entries ($(du -h "$work/g100k.toml" | cut -f1)), $RUNS runs; wall s / CPU s / peak RSS MB"
: > "$work/n"; : > "$work/b"; : > "$work/r"; : > "$work/rc"; : > "$work/lower"
for i in $(seq "$RUNS"); do
  read -r nw nc nr < <(timed 600 /dev/null "$NEW" glossary check "$work/g100k.toml")
  read -r bw bc br < <(timed "$BASE_TIMEOUT" /dev/null "$BASE" glossary check "$work/g100k.toml")
  echo "$nw" >> "$work/n"; echo "$bw" >> "$work/b"
  if [ "$bw" = - ]; then
    bound=$(awk -v b="$BASE_TIMEOUT" -v n="$nw" 'BEGIN {printf "%.1f", b / n}')
    ratio=">$bound"
    cratio="-"
    echo "$bound" >> "$work/r"; echo ">" >> "$work/lower"
  else
    ratio=$(awk -v b="$bw" -v n="$nw" 'BEGIN {printf "%.1f", b / n}')
    cratio=$(awk -v b="$bc" -v n="$nc" 'BEGIN {printf "%.1f", b / n}')
    echo "$ratio" >> "$work/r"; echo "$cratio" >> "$work/rc"
  fi
  echo "  run $i: this build ${nw} s (CPU ${nc} s, ${nr} MB); baseline ${bw} s (CPU ${bc} s, ${br} MB); ratio ${ratio}x wall, ${cratio}x CPU"
done
# A baseline run cut at BASE_TIMEOUT gives a lower bound of its ratio: then
# the median is one too (">").
lower=$([ -s "$work/lower" ] && echo ">" || true)
echo "  median: this build $(median < "$work/n") s; baseline $(grep -vx -- - "$work/b" | median || true) s; ratio ${lower}$(median < "$work/r")x wall, $(median < "$work/rc")x CPU (goal: this build <= 2 s)"

echo "glossary check, 1,000,000 entries ($(du -h "$work/g1m.toml" | cut -f1)), $RUNS runs"
: > "$work/n"; : > "$work/m"
for i in $(seq "$RUNS"); do
  read -r nw nc nr < <(timed 600 /dev/null "$NEW" glossary check "$work/g1m.toml")
  echo "$nw" >> "$work/n"; echo "$nr" >> "$work/m"
  line="  run $i: this build ${nw} s (CPU ${nc} s, ${nr} MB)"
  if [ "${BASE_1M:-0}" = 1 ]; then
    read -r bw bc br < <(timed "$BASE_TIMEOUT" /dev/null "$BASE" glossary check "$work/g1m.toml")
    line="$line; baseline ${bw} s (- = over ${BASE_TIMEOUT} s)"
  fi
  echo "$line"
done
echo "  median: $(median < "$work/n") s, peak RSS $(median < "$work/m") MB (goal: <= 20 s, <= 2048 MB)"
