#!/usr/bin/env bash
# Load test of `castbook serve` (issue #8): wrk drives keep-alive requests over several
# pages while a Python helper holds hundreds of idle and slow (slowloris) connections
# open, reopening any the server closes (its header timeout closes idle ones after
# 15 s, by design). Passes when wrk reports no socket error, no non-2xx answer, and a
# last request made while the idle connections are still held gets a whole page.
#
#   bench/serve-load.sh [--duration 30] [--connections 64] [--threads 2]
#                       [--idle 1000] [--slow 100] [--episodes 0] [--bin PATH]
#
# --episodes N serves N generated episodes (../shared/tools/gen-corpus) beside the
# sample instead of the sample alone. Needs wrk (apt-get install wrk) and python3.
# Loopback only; every loop is bounded by --duration. Not run by CI.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BIN=$REPO/target/release/castbook
duration=30 connections=64 threads=2 idle=1000 slow=100 episodes=0
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift ;;
        --connections) connections=$2; shift ;;
        --threads) threads=$2; shift ;;
        --idle) idle=$2; shift ;;
        --slow) slow=$2; shift ;;
        --episodes) episodes=$2; shift ;;
        --bin) BIN=$2; shift ;;
        *) echo "usage: see the top of $0" >&2; exit 2 ;;
    esac
    shift
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || (cd "$REPO" && cargo build --release --locked --quiet)

WORK=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
cp "$REPO/book.toml" "$WORK/"
cp -r "$REPO/content" "$WORK/content"
if [ "$episodes" -gt 0 ]; then
    python3 "$REPO/../shared/tools/gen-corpus" --episodes "$episodes" --seed 1 "$WORK/content/gen" >/dev/null
fi

"$BIN" serve "$WORK" -p 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
server=$!
url=""
for _ in $(seq 1 600); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$WORK/serve.out" | head -n 1 || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
    sleep 0.2
done
[ -n "$url" ] || { echo "serve printed no URL" >&2; exit 1; }
port=${url#http://127.0.0.1:}; port=${port%/}

# The pages wrk cycles through: home, lists, every episode, a person, the stylesheet.
python3 - "$port" >"$WORK/paths.txt" <<'PY'
import re, sys, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
html = urllib.request.urlopen(base + "/episodes/").read().decode()
eps = sorted(set(re.findall(r'href="(/episodes/[^"]+/)"', html)))[:50]
people = sorted(set(re.findall(r'href="(/people/[^"]+/)"', urllib.request.urlopen(base + "/").read().decode())))[:5]
for p in ["/", "/episodes/", "/topics/", "/style.css"] + eps + people:
    print(p)
PY
echo "serving $(wc -l <"$WORK/paths.txt") paths at $url"
{
    echo 'local paths = {'
    sed 's/.*/  "&",/' "$WORK/paths.txt"
    echo '}'
    cat <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
} >"$WORK/paths.lua"

# Idle and slow connections, held for the whole run and reopened when closed.
python3 - "$port" "$idle" "$slow" "$((duration + 3))" >"$WORK/idle.out" 2>&1 <<'PY' &
import socket, sys, time
port, idle, slow, hold = (int(a) for a in sys.argv[1:])
def connect(kind):
    s = socket.create_connection(("127.0.0.1", port))
    if kind == "slow":
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    s.setblocking(False)
    return s
conns = [[connect("idle"), "idle"] for _ in range(idle)] + [[connect("slow"), "slow"] for _ in range(slow)]
reopened = failed = 0
end = time.time() + hold
tick = 0
while time.time() < end:
    time.sleep(1)
    tick += 1
    for c in conns:
        try:
            gone = c[0].recv(65536, socket.MSG_PEEK) == b""
        except BlockingIOError:
            gone = False
        except OSError:
            gone = True
        if not gone and c[1] == "slow" and tick % 5 == 0:
            try:
                c[0].send(b"X-Slow: 1\r\n")
            except OSError:
                gone = True
        if gone:
            c[0].close()
            try:
                c[0] = connect(c[1])
                reopened += 1
            except OSError:
                failed += 1
print("held %d idle + %d slow connections for %d s; %d closed by the server and reopened, %d reopen failures"
      % (idle, slow, hold, reopened, failed))
PY
holder=$!
sleep 2

wrk --latency -t "$threads" -c "$connections" -d "${duration}s" -s "$WORK/paths.lua" "$url" | tee "$WORK/wrk.out"

# While the idle connections are still held: one more whole page.
python3 - "$port" <<'PY'
import sys, urllib.request
r = urllib.request.urlopen("http://127.0.0.1:%s/episodes/" % sys.argv[1], timeout=30)
body = r.read()
assert r.status == 200 and b"</html>" in body, r.status
print("after the load, with connections still held: /episodes/ 200, %d bytes" % len(body))
PY
wait "$holder"
cat "$WORK/idle.out"
if grep -q 'Socket errors\|Non-2xx' "$WORK/wrk.out"; then
    echo "FAIL: wrk saw errors" >&2
    exit 1
fi
echo "OK: zero errors"
