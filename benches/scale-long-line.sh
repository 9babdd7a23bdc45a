#!/usr/bin/env bash
# Rows "glossary find on one 4 MB line with many hits" and "run on one 4 MB
# line of `Kết luận số 7 KL …`" of the scale table (docs/benchmarks.md),
# with the shipped starter glossary: this build side by side with the
# baseline build (the commit before the change) in the same invocation, RUNS
# runs each, interleaved; prints each run and its ratio (baseline / this
# build), then the medians. Baseline runs are cut at BASE_TIMEOUT seconds
# (the ratio is then a lower bound, `>`).
#
# Usage: benches/scale-long-line.sh [RUNS] [MB]   (defaults: 3 runs, 4 MB)
# Env: BASE_BIN, BASE_DIR, BASE_COMMIT, NEW_BIN (see scale-common.sh);
#      BASE_TIMEOUT (default 600 s); BASE_GLOSSARY, the glossary the baseline
#      runs with (default: the baseline checkout's own `glossary/`, since an
#      older build refuses fields added since, such as `needs`).
# Needs: python3, GNU time.
source "$(dirname "$0")/scale-common.sh"
RUNS=${1:-3}
MB=${2:-4}
BASE_TIMEOUT=${BASE_TIMEOUT:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build_new
build_base
python3 benches/scale_data.py line "$MB" "$work/line.txt"
python3 benches/scale_data.py kl "$MB" "$work/kl.txt"
glossary=$PWD/glossary
BASE_GLOSSARY=${BASE_GLOSSARY:-$BASE_DIR/glossary}

row() { # row TITLE GOAL ARGS... (the command after the binary; @OUT@ in it is the output
        # folder, @GLOSSARY@ the glossary)
  local title=$1 goal=$2; shift 2
  echo "$title, $RUNS runs; wall s / CPU s / peak RSS MB"
  : > "$work/n"; : > "$work/b"; : > "$work/r"; : > "$work/rc"; : > "$work/lower"
  for i in $(seq "$RUNS"); do
    rm -rf "$work/out"
    local args=("${@//@OUT@/$work/out}")
    read -r nw nc nr < <(timed 600 /dev/null "$NEW" "${args[@]//@GLOSSARY@/$glossary}")
    rm -rf "$work/out"
    read -r bw bc br < <(timed "$BASE_TIMEOUT" /dev/null "$BASE" "${args[@]//@GLOSSARY@/$BASE_GLOSSARY}")
    echo "$nw" >> "$work/n"
    if [ "$bw" = - ]; then
      bound=$(awk -v b="$BASE_TIMEOUT" -v n="$nw" 'BEGIN {printf "%.1f", b / n}')
      ratio=">$bound"; cratio=-
      echo "$bound" >> "$work/r"; echo ">" >> "$work/lower"
    else
      echo "$bw" >> "$work/b"
      ratio=$(awk -v b="$bw" -v n="$nw" 'BEGIN {printf "%.1f", b / n}')
      cratio=$(awk -v b="$bc" -v n="$nc" 'BEGIN {printf "%.1f", b / n}')
      echo "$ratio" >> "$work/r"; echo "$cratio" >> "$work/rc"
    fi
    echo "  run $i: this build ${nw} s (CPU ${nc} s, ${nr} MB); baseline ${bw} s (CPU ${bc} s, ${br} MB); ratio ${ratio}x wall, ${cratio}x CPU"
  done
  # A baseline run cut at BASE_TIMEOUT gives a lower bound of its ratio:
  # then the median is one too (">").
  local lower; lower=$([ -s "$work/lower" ] && echo ">" || true)
  echo "  median: this build $(median < "$work/n") s; baseline $(median < "$work/b") s; ratio ${lower}$(median < "$work/r")x wall, $(median < "$work/rc")x CPU (goal: this build $goal)"
}

row "glossary find, one $MB MB line of news text (starter glossary)" "<= 1 s" \
  glossary find --glossary @GLOSSARY@ "$work/line.txt"
row "run, one $MB MB line of \`Kết luận số 7 KL …\` (starter glossary, all formats)" "<= 2 s" \
  run "$work/kl.txt" -o @OUT@ --quiet --glossary @GLOSSARY@
