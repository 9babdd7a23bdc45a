#!/usr/bin/env bash
# Row "glossary find --json with a 100,000-entry glossary on 20 MB of news
# text" of the scale table (docs/benchmarks.md): `songngu glossary find
# --json` against Python flashtext (case-sensitive KeywordProcessor, same
# entries, same text: benches/flashtext_find.py), whole processes including
# loading, RUNS runs each, interleaved, in the same invocation; prints each
# run and its ratio (flashtext / songngu), then the medians.
#
# Usage: benches/scale-find.sh [RUNS] [MB]   (defaults: 3 runs, 20 MB)
# Needs: python3 >= 3.11 (tomllib), flashtext (installed with pip if
# missing), GNU time.
source "$(dirname "$0")/scale-common.sh"
RUNS=${1:-3}
MB=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c 'import flashtext' 2> /dev/null || python3 -m pip install --quiet flashtext
build_new
python3 benches/scale_data.py glossary 100000 "$work/g.toml"
python3 benches/scale_data.py news "$MB" "$work/news.txt"
bytes=$(stat -c %s "$work/news.txt")

echo "glossary find --json, 100,000 entries, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') MB of news text, $RUNS runs; wall s / CPU s / peak RSS MB"
: > "$work/n"; : > "$work/f"; : > "$work/r"; : > "$work/rc"
for i in $(seq "$RUNS"); do
  read -r nw nc nr < <(timed 1200 "$work/n.out" "$NEW" glossary find --json --glossary "$work/g.toml" "$work/news.txt")
  read -r fw fc fr < <(timed 1200 "$work/f.out" python3 benches/flashtext_find.py "$work/g.toml" "$work/news.txt")
  ratio=$(awk -v b="$fw" -v n="$nw" 'BEGIN {printf "%.2f", b / n}')
  cratio=$(awk -v b="$fc" -v n="$nc" 'BEGIN {printf "%.2f", b / n}')
  echo "$nw" >> "$work/n"; echo "$fw" >> "$work/f"; echo "$ratio" >> "$work/r"; echo "$cratio" >> "$work/rc"
  echo "  run $i: songngu ${nw} s (CPU ${nc} s, ${nr} MB, $(wc -l < "$work/n.out") hits); flashtext ${fw} s (CPU ${fc} s, ${fr} MB, $(wc -l < "$work/f.out") hits); ratio ${ratio}x wall, ${cratio}x CPU"
done
echo "  median: songngu $(median < "$work/n") s; flashtext $(median < "$work/f") s; ratio $(median < "$work/r")x wall, $(median < "$work/rc")x CPU (goal: >= 3x)"
