#!/usr/bin/env bash
# Reading transcripts from other tools against castbook's own format (issue 15: reading
# 1000 episodes as WebVTT or JSON costs at most 1.5× reading them as text).
#
#   bench/formats.sh [--episodes N] [--runs R] [--formats "vtt json …"] [--no-build]
#
# Generates N episodes (default 1000) with ../shared/tools/gen-corpus --seed 1 (cached
# under target/bench-corpus/nN/), gives each a `slug:` (its file stem, so exports can
# be found by name), builds that text site once, and derives a site per format from
# castbook's own exports with bench/derive-formats.py: the transcript, its front matter
# as a sidecar NAME.yml and its chapters as NAME.chapters.json. Formats: vtt, json
# (Podcasting 2.0), srt, whisperx, otter; default "vtt json srt".
#
# Then R rounds (default 7) of `castbook check --timings` on each site, interleaved so
# the noise of a shared machine falls on all of them; a warm-up round is not counted.
# Reported per site: median [min–max] of the wall time of read+parse (content
# discovery, reading the files and parsing them: the stages this issue adds work to),
# of the whole check, and of the check's CPU time (user+sys, from /usr/bin/time: the
# steadiest figure on a loaded machine), with the ratios of the medians to the text
# site's, and the median of the per-round read+parse ratios (each site against text in
# the same round). Not a test: nothing asserts.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
TOOLS=${CASTBOOK_BENCH_TOOLS:-$REPO/../shared/tools}
CACHE=$REPO/target/bench-corpus
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
BIN=$TARGET/release/castbook
. "$HERE/lib.sh"

n=1000
runs=7
formats="vtt json srt"
build=1
while [ $# -gt 0 ]; do
    case $1 in
        --episodes) n=$2; shift ;;
        --runs) runs=$2; shift ;;
        --formats) formats=$2; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ "$build" = 1 ]; then
    echo "building castbook (release)…" >&2
    (cd "$REPO" && cargo build --release --quiet)
fi

gen=$CACHE/n$n
generate_corpus "$n" "$gen"
work=$CACHE/formats-n$n
if [ ! -f "$work/.complete" ] || [ "$work/.complete" -ot "$HERE/derive-formats.py" ]; then
    echo "deriving the format sites…" >&2
    rm -rf "$work"
    mkdir -p "$work/text/content"
    for f in "$gen"/content/*.txt; do
        stem=$(basename "$f" .txt)
        awk -v s="$stem" 'NR == 1 { print; print "slug: " s; next } { print }' "$f" \
            > "$work/text/content/$stem.txt"
    done
    # The formats are derived from the exports, off by default but chapters: turned on
    # for this one build, then the text site is left with the defaults like the others.
    printf '[output.exports]\njson = true\nvtt = true\nsrt = true\n' > "$work/text/book.toml"
    "$BIN" build "$work/text" -d "$work/text-public" --no-minify >/dev/null 2>&1
    rm "$work/text/book.toml"
    python3 "$HERE/derive-formats.py" "$work/text" "$work/text-public" "$work" vtt json srt whisperx otter
    touch "$work/.complete"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
sites="text $formats"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
for round in $(seq 0 "$runs"); do
    for site in $sites; do
        /usr/bin/time -f '%U %S' -o "$logs/cpu" "$BIN" check --timings "$work/$site" \
            2> "$logs/stderr" >/dev/null
        out=$(awk '
            $1 == "read" || $1 == "parse" { rp += $2 }
            $1 == "total" { total = $2 }
            END { print rp, total }' "$logs/stderr")
        cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$logs/cpu")
        # Round 0 warms the page cache and is not counted.
        [ "$round" = 0 ] || echo "$out $cpu" >> "$logs/$site"
    done
done

printf '%s episodes, %s rounds, median [min–max] in ms; load before: %s, after: %s\n' \
    "$n" "$runs" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-22s %-22s %-22s %-20s %s\n' site "read+parse (wall)" "whole check (wall)" "whole check (CPU)" \
    "ratios to text" "read+parse / text, paired [min–max]"
base_rp=$(median "$logs/text" '$1')
base_all=$(median "$logs/text" '$2')
base_cpu=$(median "$logs/text" '$3')
for site in $sites; do
    read -r m lo hi <<< "$(stats "$logs/$site" '$1')"
    read -r m2 lo2 hi2 <<< "$(stats "$logs/$site" '$2')"
    read -r m3 lo3 hi3 <<< "$(stats "$logs/$site" '$3')"
    ratio=$(awk -v a="$m" -v b="$base_rp" -v c="$m2" -v d="$base_all" -v e="$m3" -v f="$base_cpu" \
        'BEGIN { printf "%.2f×, %.2f×, %.2f×", a / b, c / d, e / f }')
    # Each round's read+parse over text's in the same round, so drift over the run
    # (another tenant's load coming and going) falls on both sides of every ratio.
    paste -d' ' "$logs/$site" "$logs/text" | awk '{ print $1 / $4 }' > "$logs/pairs"
    read -r pm plo phi <<< "$(stats "$logs/pairs" '$1')"
    paired=$(printf '%.2f× [%.2f–%.2f]' "$pm" "$plo" "$phi")
    printf '%-9s %-22s %-22s %-22s %-20s %s\n' "$site" "$m [$lo–$hi]" "$m2 [$lo2–$hi2]" "$m3 [$lo3–$hi3]" \
        "$ratio" "$paired"
done
