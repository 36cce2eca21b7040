#!/usr/bin/env bash
# Search benchmark: what the search index costs the build, and what a query costs
# the reader, on the generated archive plus the repository's sample transcript.
#
#   bench/search.sh [--episodes N] [--runs R] [--no-build] [--no-browser]
#                   [--queries "q1,q2,..."]
#
# 1. Build cost. The corpus (../shared/tools/gen-corpus --seed 1, cached under
#    target/bench-corpus/nN/ as bench/build.sh does) plus content/ is built R times
#    (default 5, after one untimed warm-up) with search on and R times with it off
#    (`[output.html.search] enable = false`), alternating within each round so the
#    noise of this shared machine falls on both. Protocol A (../shared/PERF-ANCHORS.md):
#    each variant rebuilds over its own previous output; nothing is deleted while
#    timing. Measured from outside with /usr/bin/time (wall, user+sys CPU, peak RSS),
#    plus the `search` stage of `castbook build --timings`. Printed as median [min–max]
#    and the ratio of medians, on/off.
# 2. Reader cost. The built site is served on 127.0.0.1 (python3 -m http.server) and
#    bench/search-queries.mjs loads `/search/?q=…` in headless Chromium for each query
#    (fresh cache): bytes of index data fetched until the results show, and the
#    latency from the last keystroke to the results when typing the query.
#
# Not a test: nothing asserts. Needs a release build, /usr/bin/time, and for the
# reader part node, e2e/node_modules and /usr/bin/chromium.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
TOOLS=${CASTBOOK_BENCH_TOOLS:-$REPO/../shared/tools}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
CACHE=$TARGET/bench-corpus
BIN=$TARGET/release/castbook
. "$HERE/lib.sh"

n=1000
runs=5
build=1
browser=1
queries="pivoting,manager,low performer quotas,stefan amazon,promot,the"
while [ $# -gt 0 ]; do
    case $1 in
        --episodes) n=$2; shift ;;
        --runs) runs=$2; shift ;;
        --no-build) build=0 ;;
        --no-browser) browser=0 ;;
        --queries) queries=$2; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ "$build" = 1 ]; then
    echo "building castbook (release)…" >&2
    (cd "$REPO" && cargo build --release --quiet)
fi

# The corpus, generated once (the same cache as bench/build.sh), and a site holding
# it and the sample: content/ is read at any depth.
corpus=$CACHE/n$n
generate_corpus "$n" "$corpus"
site=$TARGET/bench-search/n$n
if [ ! -f "$site/.complete" ]; then
    rm -rf "$site"
    mkdir -p "$site/content"
    cp -r "$corpus/content" "$site/content/generated"
    cp -r "$REPO/content" "$site/content/sample"
    touch "$site/.complete"
fi
on_toml=$(sed '/^\[output.html.search\]/,$d' "$REPO/book.toml")
off_toml=$(printf '%s\n\n[output.html.search]\nenable = false\n' "$on_toml")

logs=$(mktemp -d)
trap 'rm -rf "$logs"; [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true' EXIT

# timed LOG VARIANT: one build; appends "wall user sys maxrss_kb search_ms" to LOG.
timed() {
    local log=$1 variant=$2 toml
    if [ "$variant" = on ]; then toml=$on_toml; else toml=$off_toml; fi
    printf '%s\n' "$toml" >"$site/book.toml"
    if ! /usr/bin/time -f '%e %U %S %M' -o "$logs/time" \
        "$BIN" build "$site" -d "$site/public-$variant" --timings >"$logs/out" 2>"$logs/err"; then
        echo "build failed:" >&2
        cat "$logs/err" >&2
        exit 1
    fi
    local search_ms
    search_ms=$(awk '$1 == "search" { print $2 }' "$logs/err")
    echo "$(tail -n 1 "$logs/time") ${search_ms:-0}" >>"$log"
}


load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "N=$n + sample: warm-up, then $runs rounds of search on/off (load average before: $load)…" >&2
mkdir -p "$logs/warmup"
for round in $(seq 0 "$runs"); do
    if [ "$round" = 0 ]; then dir=$logs/warmup; else dir=$logs; fi
    timed "$dir/on" on
    timed "$dir/off" off
    if [ "$round" != 0 ]; then echo "  round $round/$runs done" >&2; fi
done

row() {
    local name=$1 log=$2
    read -r wm wlo whi < <(stats "$log" '$1')
    read -r cm clo chi < <(stats "$log" '$2 + $3')
    read -r rm rlo rhi < <(stats "$log" '$4 / 1024')
    printf '| %s | %.2f s [%.2f–%.2f] | %.2f s [%.2f–%.2f] | %.0f MiB [%.0f–%.0f] |\n' \
        "$name" "$wm" "$wlo" "$whi" "$cm" "$clo" "$chi" "$rm" "$rlo" "$rhi"
}

out=$site/public-on
index_files=$(find "$out/search" -type f | wc -l)
index_bytes=$(find "$out/search" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
text_bytes=$(find "$site/content" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
site_mb=$(du -sm "$out" | cut -f1)
echo
echo "N=$n episodes + the sample, protocol A, $runs runs after a warm-up," \
    "load average before $load, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | median wall [min–max] | CPU user+sys [min–max] | peak RSS [min–max] |"
echo "|---|---:|---:|---:|"
row "search on" "$logs/on"
row "search off" "$logs/off"
echo
read -r sm slo shi < <(stats "$logs/on" '$5')
awk -v on="$(median "$logs/on" '$1')" -v off="$(median "$logs/off" '$1')" \
    -v con="$(median "$logs/on" '$2 + $3')" -v coff="$(median "$logs/off" '$2 + $3')" \
    -v sm="$sm" -v slo="$slo" -v shi="$shi" \
    'BEGIN { printf "build-time ratio on/off: wall %.2f×, CPU %.2f×; search stage %.0f ms [%.0f–%.0f]\n", on / off, con / coff, sm, slo, shi }'
awk -v i="$index_bytes" -v t="$text_bytes" -v f="$index_files" -v s="$site_mb" \
    'BEGIN { printf "index: %d files, %.1f MB = %.3f× the transcripts (%.1f MB); whole site %d MB\n", f, i / 1e6, i / t, t / 1e6, s }'

if [ "$browser" = 0 ]; then exit 0; fi
if ! command -v node >/dev/null || [ ! -d "$REPO/e2e/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "skipping the reader part: needs node, e2e/node_modules (npm ci in e2e/) and /usr/bin/chromium" >&2
    exit 0
fi
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$out" >"$logs/http" 2>&1 &
server=$!
port=""
for _ in $(seq 100); do
    port=$(grep -o 'port [0-9]*' "$logs/http" | head -n 1 | cut -d' ' -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "the file server did not start" >&2; exit 1; }
IFS=, read -r -a qs <<<"$queries"
echo
echo "Per query, fresh cache, loading /search/?q=… (index data = search/ files but the page);"
echo "latency = last keystroke to results on screen when typing the query (80 ms debounce included):"
echo
echo "| query | index data | files | page, JS, CSS | latency, first try | latency, later (median) | results |"
echo "|---|---:|---:|---:|---:|---:|---|"
node "$HERE/search-queries.mjs" "http://127.0.0.1:$port/" "${qs[@]}" | tail -n +2 |
    awk -F'\t' '{ printf "| %s | %.0f KB | %d | %.0f KB | %d ms | %d ms | %s |\n", $1, $2 / 1024, $3, $4 / 1024, $5, $6, $7 }'
