# Shared by benches/scale-*.sh (sourced, not run): builds, timing, medians.
#
# The baseline is the build of the commit before the scale work (BASE_COMMIT,
# default 8430493), checked out with `git worktree add` into BASE_DIR
# (default /tmp/base) and built into its own target folder there; set
# BASE_BIN to use a baseline binary you already have, NEW_BIN for this
# build's binary (else `cargo build --release`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BASE_COMMIT=${BASE_COMMIT:-8430493}
BASE_DIR=${BASE_DIR:-/tmp/base}

build_new() {
  if [ -n "${NEW_BIN:-}" ]; then NEW=$NEW_BIN; return; fi
  cargo build --release --quiet
  NEW=$PWD/target/release/songngu
}

build_base() {
  if [ -n "${BASE_BIN:-}" ]; then BASE=$BASE_BIN; return; fi
  if [ ! -e "$BASE_DIR/Cargo.toml" ]; then
    git worktree add --detach "$BASE_DIR" "$BASE_COMMIT" >&2
  fi
  cargo build --release --quiet --manifest-path "$BASE_DIR/Cargo.toml" --target-dir "$BASE_DIR/target"
  BASE=$BASE_DIR/target/release/songngu
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# timed LIMIT OUT CMD... : runs CMD (stdout to OUT), killed after LIMIT
# seconds; prints "wall cpu rss_mb", wall "-" when it was killed.
timed() {
  local limit=$1 out=$2; shift 2
  local t; t=$(mktemp)
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$t" timeout "$limit" "$@" > "$out" 2> /dev/null || rc=$?
  if [ "$rc" = 0 ]; then
    awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$t"
  elif [ "$rc" = 124 ]; then
    echo "- - -"
  else
    echo "command failed (exit $rc): $*" >&2
    exit 1
  fi
  rm -f "$t"
}
