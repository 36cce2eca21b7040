#!/usr/bin/env bash
# What taxonomies cost (docs/taxonomies.md): build time and site bytes of the same
# archive with and without its [[taxonomies]], and how fast the list filters show
# results in headless Chromium.
#
#   bench/taxonomies.sh [--episodes N] [--runs R] [--bin PATH] [--base PATH]
#
# The archive is gen-corpus --seed 1 at N episodes (default 1000, cached under
# target/bench-corpus/nN/) with the sample's book.toml. Each round builds it twice
# with PATH (default target/release/castbook): once as is (four taxonomies) and once
# with the [[taxonomies]] tables removed; with --base, a third build runs a binary
# made without the feature (e.g. main's), on the book.toml without taxonomies, so
# the cost of the code itself shows too. Builds are interleaved within a round and
# rebuild over their own previous output (protocol A, as bench/build.sh), after
# one untimed warm-up. Prints median [min–max] wall and CPU (user+sys) seconds, and
# bytes and files of each output. Then serves the full build on 127.0.0.1 and runs
# e2e/filters-bench.mjs on the guests and episodes lists. Not a test.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
TOOLS=${CASTBOOK_BENCH_TOOLS:-$REPO/../shared/tools}
CACHE=${CARGO_TARGET_DIR:-$REPO/target}/bench-corpus
BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/castbook
BASE=
. "$HERE/lib.sh"

n=1000
runs=5
while [ $# -gt 0 ]; do
    case $1 in
        --episodes) n=$2; shift ;;
        --runs) runs=$2; shift ;;
        --bin) BIN=$2; shift ;;
        --base) BASE=$2; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 2; }

corpus=$CACHE/n$n
generate_corpus "$n" "$corpus"
WORK=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for v in with without base; do
    mkdir -p "$WORK/$v"
    # A copy: castbook does not follow a symlink out of the site folder.
    cp -r "$corpus/content" "$WORK/$v/content"
done
cp "$REPO/book.toml" "$WORK/with/book.toml"
# The same settings without the [[taxonomies]] tables (and their comment lines).
awk '/^\[\[taxonomies\]\]/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "$REPO/book.toml" > "$WORK/without/book.toml"
cp "$WORK/without/book.toml" "$WORK/base/book.toml"

variants="with without"
[ -n "$BASE" ] && variants="$variants base"
build() { # variant
    local bin=$BIN
    [ "$1" = base ] && bin=$BASE
    "$bin" build "$WORK/$1" -d "$WORK/$1/public" >"$WORK/$1.out" 2>&1 || { cat "$WORK/$1.out" >&2; return 1; }
}
for v in $variants; do build "$v"; done   # warm-up, also the first output
for r in $(seq "$runs"); do
    for v in $variants; do
        # Wall and user+sys CPU seconds: on a busy machine CPU time is the steadier.
        /usr/bin/time -f "%e %U %S" -a -o "$WORK/$v.log" bash -c "$(declare -f build); BIN=$BIN BASE=$BASE WORK=$WORK build $v"
    done
done
echo "N=$n, $runs rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for v in $variants; do
    read -r med lo hi < <(stats "$WORK/$v.log" '$1')
    read -r cmed clo chi < <(stats "$WORK/$v.log" '$2 + $3')
    bytes=$(du -sb "$WORK/$v/public" | cut -f1)
    files=$(find "$WORK/$v/public" -type f | wc -l)
    printf '%-8s wall %6.2f s [%.2f–%.2f]  cpu %6.2f s [%.2f–%.2f]  site %11d bytes in %6d files\n' \
        "$v" "$med" "$lo" "$hi" "$cmed" "$clo" "$chi" "$bytes" "$files"
done
with_t=$(median "$WORK/with.log" '$1')
without_t=$(median "$WORK/without.log" '$1')
with_c=$(median "$WORK/with.log" '$2 + $3')
without_c=$(median "$WORK/without.log" '$2 + $3')
echo "taxonomies add $(echo "scale=1; 100 * ($with_c - $without_c) / $without_c" | bc)% build CPU time"
with_b=$(du -sb "$WORK/with/public" | cut -f1)
without_b=$(du -sb "$WORK/without/public" | cut -f1)
echo "taxonomies add $(echo "scale=1; 100 * ($with_t - $without_t) / $without_t" | bc)% build time and $(echo "scale=1; 100 * ($with_b - $without_b) / $without_b" | bc)% bytes"
if [ -n "$BASE" ]; then
    base_t=$(median "$WORK/base.log" '$1')
    base_c=$(median "$WORK/base.log" '$2 + $3')
    echo "against --base: $(echo "scale=1; 100 * ($with_t - $base_t) / $base_t" | bc)% build time with taxonomies, $(echo "scale=1; 100 * ($without_t - $base_t) / $base_t" | bc)% without"
    echo "against --base: $(echo "scale=1; 100 * ($with_c - $base_c) / $base_c" | bc)% build CPU time with taxonomies, $(echo "scale=1; 100 * ($without_c - $base_c) / $base_c" | bc)% without"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WORK/with/public" >/dev/null 2>&1 &
PID=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
(cd "$REPO/e2e" && node filters-bench.mjs "http://127.0.0.1:$port/")
