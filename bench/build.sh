#!/usr/bin/env bash
# Whole-process build benchmark: castbook beside Hugo on the same generated archive.
#
#   bench/build.sh [--large] [--episodes N[,N...]] [--runs R] [--no-hugo] [--no-minify-row]
#                  [--no-fresh] [--fresh-wait S] [--no-floor]
#                  [--no-build]   (use target/release/castbook as it is)
#
# For each N (default 1000; --large adds 5000) it generates the corpus once with
# ../shared/tools/gen-corpus --seed 1 (cached under target/bench-corpus/nN/), builds
# castbook in release, then runs one untimed warm-up and R timed rounds (default 5).
# Each round runs, one after the other, `castbook build`, `castbook build --no-minify`,
# `castbook check` and, when `hugo` is on PATH, Hugo on the equivalent site made by
# ../shared/tools/to-peers. Interleaving the builders within a round spreads the noise
# of this shared machine over all of them, so their ratios stay comparable.
#
# Two protocols (see ../shared/PERF-ANCHORS.md), each in its own table:
# - A, rebuild: every run rebuilds over its own previous output. castbook recycles its
#   previous tree (src/output.rs), Hugo overwrites in place.
# - B, fresh: every run writes into a new, empty folder, which is what every CI deploy
#   does. The folders are deleted only after the last round: deleting while timing
#   would make inode creation slow for the next minute on this ext4 and measure the
#   file system instead of the builder. --fresh-wait S sleeps S seconds (after a sync)
#   before each fresh run, as the anchors' protocol B did (default 0). After each
#   castbook run, bench/write-floor.py writes the same files into another new folder
#   with one plain writer per core and nothing else: the floor under protocol B on this
#   machine (--no-floor leaves it out).
#
# Measured from outside with /usr/bin/time: wall, user+sys CPU and peak RSS of the
# process, printed as median [min–max]; "paired" is the median of the per-round ratios
# castbook/Hugo (both ran back to back in that round, under the same load). The output
# of each builder is counted too: bytes of its files and their number (`du` would add
# the folders' own blocks). Not a test: nothing asserts.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
TOOLS=${CASTBOOK_BENCH_TOOLS:-$REPO/../shared/tools}
CACHE=$REPO/target/bench-corpus
BIN=$REPO/target/release/castbook
. "$HERE/lib.sh"

sizes=1000
runs=5
hugo=1
nominify=1
fresh=1
fresh_wait=0
floor=1
build=1
while [ $# -gt 0 ]; do
    case $1 in
        --large) sizes="$sizes,5000" ;;
        --episodes) sizes=$2; shift ;;
        --runs) runs=$2; shift ;;
        --no-hugo) hugo=0 ;;
        --no-minify-row) nominify=0 ;;
        --no-fresh) fresh=0 ;;
        --fresh-wait) fresh_wait=$2; shift ;;
        --no-floor) floor=0 ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$hugo" = 1 ] && ! command -v hugo >/dev/null; then
    echo "note: hugo not installed (apt-get install hugo); castbook rows only" >&2
    hugo=0
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ "$build" = 1 ]; then
    echo "building castbook (release)…" >&2
    (cd "$REPO" && cargo build --release --quiet)
fi

# corpus N: generated once; the .complete stamp keeps a killed generation from being reused.
corpus() {
    local n=$1 dir=$CACHE/n$1
    generate_corpus "$n" "$dir"
    if [ "$hugo" = 1 ] && [ ! -f "$dir/peers/.complete" ]; then
        echo "making the equivalent Hugo site…" >&2
        "$TOOLS/to-peers" --only hugo "$dir/content" "$dir/peers" >/dev/null
        touch "$dir/peers/.complete"
    fi
}

# timed LOG CMD...: appends "wall user sys maxrss_kb" to LOG; the command's output is dropped.
timed() {
    local log=$1; shift
    local t
    t=$(mktemp)
    if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>"$t.err"; then
        echo "failed: $*" >&2
        cat "$t.err" >&2
        rm -f "$t" "$t.err"
        exit 1
    fi
    tail -n 1 "$t" >>"$log"
    rm -f "$t" "$t.err"
}


# output_size DIR: "bytes files" of the regular files under DIR.
output_size() {
    find "$1" -type f -printf '%s\n' | awk '{ b += $1; n++ } END { printf "%d %d\n", b, n }'
}

# row NAME LOG REF-LOG OUTPUT-DIR: one table row. LOG lines are "wall user sys rss_kb";
# the paired ratio divides LOG's line i by REF-LOG's line i (same round) and takes the median.
row() {
    local name=$1 log=$2 ref=${3:-} out=${4:-}
    read -r wm wlo whi < <(stats "$log" '$1')
    read -r cm clo chi < <(stats "$log" '$2 + $3')
    read -r rm rlo rhi < <(stats "$log" '$4 / 1024')
    local ratio="–" cratio="–" paired="–" size="–"
    if [ -n "$ref" ]; then
        ratio=$(awk -v a="$wm" -v b="$(median "$ref" '$1')" 'BEGIN { printf "%.2f", a / b }')
        cratio=$(awk -v a="$cm" -v b="$(median "$ref" '$2 + $3')" 'BEGIN { printf "%.2f", a / b }')
        local pairs
        pairs=$(mktemp)
        paste -d' ' "$log" "$ref" | awk '{ print $1 / $5 }' >"$pairs"
        read -r pm plo phi < <(stats "$pairs" '$1')
        paired=$(printf '%.2f [%.2f–%.2f]' "$pm" "$plo" "$phi")
        rm -f "$pairs"
    fi
    if [ -n "$out" ] && [ -d "$out" ]; then
        read -r bytes files < <(output_size "$out")
        size=$(awk -v b="$bytes" -v f="$files" 'BEGIN { printf "%.1f MB, %d files", b / 1e6, f }')
    fi
    printf '| %s | %.2f s [%.2f–%.2f] | %s | %s | %.2f s [%.2f–%.2f] | %s | %.0f MiB [%.0f–%.0f] | %s |\n' \
        "$name" "$wm" "$wlo" "$whi" "$ratio" "$paired" "$cm" "$clo" "$chi" "$cratio" "$rm" "$rlo" "$rhi" "$size"
}

header() {
    echo "| builder | median wall [min–max] | wall / Hugo | paired wall / Hugo [min–max] | CPU user+sys [min–max] | CPU / Hugo | peak RSS [min–max] | output |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
}

stale=()
for n in ${sizes//,/ }; do
    corpus "$n"
    dir=$CACHE/n$n
    logs=$(mktemp -d)
    build=("$BIN" build "$dir" -d "$dir/public")
    build_nm=("$BIN" build "$dir" -d "$dir/public-nominify" --no-minify)
    check=("$BIN" check "$dir")
    hugo_cmd=(hugo --quiet -s "$dir/peers/hugo" -d "$dir/peers/hugo/public")
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "N=$n: warm-up, then $runs rounds (load average before: $load)…" >&2
    freshdir=$dir/fresh
    rm -rf "$freshdir"
    mkdir -p "$freshdir"
    for round in $(seq 0 "$runs"); do
        # Round 0 is the warm-up: page cache, and each builder's previous output in place.
        if [ "$round" = 0 ]; then sink=$logs/warmup; mkdir -p "$sink"; else sink=$logs; fi
        timed "$sink/build" "${build[@]}"
        if [ "$hugo" = 1 ]; then timed "$sink/hugo" "${hugo_cmd[@]}"; fi
        if [ "$nominify" = 1 ]; then timed "$sink/build-nm" "${build_nm[@]}"; fi
        timed "$sink/check" "${check[@]}"
        if [ "$fresh" = 1 ] && [ "$round" != 0 ]; then
            if [ "$fresh_wait" != 0 ]; then sync; sleep "$fresh_wait"; fi
            timed "$sink/build-fresh" "$BIN" build "$dir" -d "$freshdir/castbook-$round"
            if [ "$floor" = 1 ]; then
                python3 "$HERE/write-floor.py" "$freshdir/castbook-$round" "$freshdir/floor-$round" \
                    >>"$sink/floor"
            fi
            if [ "$hugo" = 1 ]; then
                if [ "$fresh_wait" != 0 ]; then sync; sleep "$fresh_wait"; fi
                timed "$sink/hugo-fresh" hugo --quiet -s "$dir/peers/hugo" -d "$freshdir/hugo-$round"
            fi
        fi
        if [ "$round" != 0 ]; then echo "  round $round/$runs done" >&2; fi
    done
    ref="" ref_fresh=""
    if [ "$hugo" = 1 ]; then ref=$logs/hugo; ref_fresh=$logs/hugo-fresh; fi
    mb=$(du -sm "$dir/content" | cut -f1)
    echo
    echo "N=$n episodes ($mb MB of transcripts), $runs runs after a warm-up," \
        "load average before $load, after $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "Protocol A, rebuilding over the previous output:"
    echo
    header
    row "castbook build" "$logs/build" "$ref" "$dir/public"
    if [ "$nominify" = 1 ]; then row "castbook build --no-minify" "$logs/build-nm" "$ref" "$dir/public-nominify"; fi
    row "castbook check" "$logs/check" "$ref"
    if [ "$hugo" = 1 ]; then row "Hugo $(hugo version | grep -o 'v[0-9.]*' | head -1)" "$logs/hugo" "$ref" "$dir/peers/hugo/public"; fi
    echo
    if [ "$fresh" = 1 ]; then
        echo "Protocol B, into a new empty folder every run:"
        echo
        header
        row "castbook build" "$logs/build-fresh" "$ref_fresh" "$freshdir/castbook-$runs"
        if [ "$hugo" = 1 ]; then row "Hugo $(hugo version | grep -o 'v[0-9.]*' | head -1)" "$logs/hugo-fresh" "$ref_fresh" "$freshdir/hugo-$runs"; fi
        echo
        if [ "$floor" = 1 ]; then
            read -r fw fwlo fwhi < <(stats "$logs/floor" '$1')
            read -r fc fclo fchi < <(stats "$logs/floor" '$2 + $3')
            read -r fs _ _ < <(stats "$logs/floor" '$3')
            printf 'Write floor (bench/write-floor.py: the same files written into a new folder by %d plain writers, nothing computed): wall %.2f s [%.2f–%.2f], CPU %.2f s [%.2f–%.2f], of which sys %.2f s\n' \
                "$(nproc)" "$fw" "$fwlo" "$fwhi" "$fc" "$fclo" "$fchi" "$fs"
            echo
        fi
        # Deleted after the last size, never between runs (see the header): deleting
        # here would slow the next size's runs.
        stale+=("$freshdir")
    fi
    # Kept for the scaling ratio across sizes.
    cp "$logs/build" "$CACHE/last-build-$n.log"
    if [ "$fresh" = 1 ]; then cp "$logs/build-fresh" "$CACHE/last-build-fresh-$n.log"; fi
    rm -rf "$logs"
done

# Scaling: how much longer the largest corpus takes than the smallest, against linear,
# per protocol (A is mostly the unchanged-rebuild path since builds keep a record).
set -- ${sizes//,/ }
if [ $# -gt 1 ]; then
    first=$1
    eval "last=\${$#}"
    protocols="A:last-build"
    if [ "$fresh" = 1 ]; then protocols="$protocols B:last-build-fresh"; fi
    for p in $protocols; do
        log=${p#*:}
        awk -v a="$(median "$CACHE/$log-$first.log" '$1')" \
            -v b="$(median "$CACHE/$log-$last.log" '$1')" \
            -v ca="$(median "$CACHE/$log-$first.log" '$2 + $3')" \
            -v cb="$(median "$CACHE/$log-$last.log" '$2 + $3')" \
            -v ra="$(median "$CACHE/$log-$first.log" '$4')" \
            -v rb="$(median "$CACHE/$log-$last.log" '$4')" \
            -v k="$((last / first))" -v name="${p%%:*}" \
            'BEGIN { printf "scaling, protocol %s, N=%d→%d (%d× the episodes): wall %.2f×, CPU %.2f×, peak RSS %.2f×\n", name, '"$first"', '"$last"', k, b / a, cb / ca, rb / ra }'
    done
fi
if [ ${#stale[@]} -gt 0 ]; then rm -rf "${stale[@]}"; fi
