#!/usr/bin/env bash
# Linear-time check for hostile sizes (issue #8): one huge transcript (5, 10, 20 MB)
# and one file with many chapters (2,500, 5,000, 10,000), each built alone by the
# release binary with --timings. Prints wall time, peak RSS and the parse stage per
# size, so doubling the input should roughly double the time. Not a test: nothing
# asserts; run it by hand and copy the table into docs/reliability.md.
#
#   bench/scale.sh [--no-build] [--debug]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BIN=$REPO/target/release/castbook
build=1
for arg in "$@"; do
    case $arg in
        --no-build) build=0 ;;
        --debug) BIN=$REPO/target/debug/castbook; build=0 ;;
        *) echo "usage: $0 [--no-build] [--debug]" >&2; exit 2 ;;
    esac
done
[ $build = 1 ] && (cd "$REPO" && cargo build --release --locked --quiet)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# gen KIND N DIR: writes DIR/content/big.txt.
#   bytes N: about N MB in 10 chapters of 2 KB turns;
#   chapters N: N chapters of one short turn each.
gen() {
    python3 - "$@" <<'PY'
import os, sys
kind, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(d, "content"), exist_ok=True)
out = ["---", "podcast_name: Scale", "episode_title: Scale %s %d" % (kind, n),
       "host_name: Ryan Peterman", "guest_name: Stefan Mai", "episode_date: 2025-08-15",
       "---", "Transcript"]
para = ("Because you were a senior manager in big tech, you saw how the promotion "
        "process works from the inside, and that shaped how you coach people. ") * 14
def ts(s):
    return "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
if kind == "bytes":
    turns = n * 1024 * 1024 // (len(para) + 30)
    for i in range(turns):
        if i % max(1, turns // 10) == 0:
            out.append("### Part %d" % (i // max(1, turns // 10) + 1))
        who = "Ryan" if i % 2 == 0 else "Stefan"
        out += ["%s %s:" % (who, ts(i * 3)), "", para, ""]
else:
    for i in range(n):
        out += ["### Chapter %d" % (i + 1), "Ryan %s: Question %d, and a short answer." % (ts(i), i), ""]
open(os.path.join(d, "content", "big.txt"), "w").write("\n".join(out) + "\n")
PY
}

printf '%-10s %8s %9s %9s %10s %s\n' kind n "size" wall_s peak_mb "parse stage"
run() {
    local kind=$1 n=$2 dir=$WORK/$1-$2
    gen "$kind" "$n" "$dir"
    local size
    size=$(du -h "$dir/content/big.txt" | cut -f1)
    /usr/bin/time -f '%e %M' -o "$dir/time" "$BIN" build "$dir" -d "$dir/public" --timings \
        >"$dir/out" 2>"$dir/err"
    read -r wall rss <"$dir/time"
    local parse
    parse=$(grep -iE 'parse|load' "$dir/err" | head -n 1 | tr -s ' ' || true)
    printf '%-10s %8s %9s %9s %10s %s\n' "$kind" "$n" "$size" "$wall" "$((rss / 1024))" "$parse"
}
for n in 5 10 20; do run bytes $n; done
for n in 2500 5000 10000; do run chapters $n; done
