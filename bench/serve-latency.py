#!/usr/bin/env python3
"""Save-to-served latency of `castbook serve` on a generated corpus.

Starts `castbook serve -p 0` on a copy of a corpus, then repeatedly edits one
transcript (written to a temp file and renamed over the original, as editors do)
and polls the episode page over loopback HTTP until the edit is served. Reports
each latency, the median and the spread, plus the full-build time serve printed
and the median of each stage of serve's incremental rebuilds (its `stages:` lines),
which says what dominates. The first edit is a warm-up and is not counted.

    bench/serve-latency.py [--episodes 1000] [--edits 7] [--kind words|front] [--binary target/release/castbook]

Needs ../shared/tools/gen-corpus (laid beside the clone) and a release build
(`cargo build --release`). Only 127.0.0.1 is contacted. Not a test: nothing asserts.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "tools", "gen-corpus")
POLL = 0.002  # seconds between polls: small next to what is measured


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=7)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "castbook"))
    ap.add_argument("--corpus", help="reuse this generated content folder (copied)")
    ap.add_argument("--kind", choices=["words", "front"], default="words",
                    help="edit a turn's words (the common typo fix) or the front matter "
                         "(the description: every page listing the episode changes)")
    ap.add_argument("--pause", type=float, default=2.0,
                    help="seconds between edits (serve updates the search index meanwhile)")
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")

    work = tempfile.mkdtemp(prefix="castbook-serve-bench-")
    content = os.path.join(work, "content")
    if args.corpus:
        shutil.copytree(args.corpus, content)
    else:
        subprocess.run([sys.executable, GEN, "--episodes", str(args.episodes), "--seed", "1",
                        content], check=True, stdout=subprocess.DEVNULL)

    # Mark the first turn of one transcript (or, with --kind front, the first word of
    # its description, which list rows and the feed show), so its page can be found.
    name = sorted(f for f in os.listdir(content) if f.endswith(".txt"))[0]
    path = os.path.join(content, name)
    text = open(path, encoding="utf-8").read()
    if args.kind == "front":
        anchor = re.search(r"^episode_description: (\w+)", text, re.M)
    else:
        anchor = re.search(r"^\w+ \d\d:\d\d:\d\d:\n\n(\w+)", text, re.M)
    start, end = anchor.start(1), anchor.end(1)
    text = text[:start] + "CastbookBenchStart" + text[end:]
    end = start + len("CastbookBenchStart")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

    proc = subprocess.Popen([args.binary, "serve", ".", "-p", "0"], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    url = None
    try:
        # serve prints its URL once the first build is done and the port accepts.
        t0 = time.monotonic()
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            m = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
            if m:
                url = (int(m.group(1)), m.group(2))
                break
        if not url:
            sys.exit("serve exited:\n" + "\n".join(lines))
        first = time.monotonic() - t0
        # Keep draining its output so it never blocks on a full pipe.
        threading.Thread(target=lambda: [lines.append(l.rstrip("\n")) for l in proc.stdout],
                         daemon=True).start()
        port, base = url

        page = None
        episodes = os.path.join(work, "public", "episodes")
        for slug in sorted(os.listdir(episodes)):
            index = os.path.join(episodes, slug, "index.html")
            if os.path.isfile(index) and "CastbookBenchStart" in open(index, encoding="utf-8").read():
                page = f"{base}episodes/{slug}/"
                break
        if not page:
            sys.exit(f"could not find the page of {name}")

        latencies = []
        for i in range(args.edits + 1):
            marker = f"CastbookEdit{i}x{int(time.time() * 1000) % 100000}"
            new = text[:start] + marker + text[end:]
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(new)
            t = time.monotonic()
            os.replace(tmp, path)  # the save
            while True:
                status, body = get(port, page)
                if status == 200 and marker in body:
                    break
                if time.monotonic() - t > 120:
                    sys.exit("edit never served:\n" + "\n".join(lines[-20:]))
                time.sleep(POLL)
            if i > 0:  # the first edit warms the page cache and the allocator
                latencies.append(time.monotonic() - t)
            # Let the watcher go quiet and the deferred search index finish between edits.
            time.sleep(args.pause)

        builds = [l for l in lines if l.startswith("built ")]
        rebuilds = sum(1 for l in lines if l.startswith("changed: "))
        # `  stages: scan 1.2 ms, parse 3.4 ms, …` after each build; the first is the full build.
        stages = {}
        for l in [l for l in lines if l.startswith("  stages: ")][2:]:
            for part in l[len("  stages: "):].split(", "):
                name, value, _unit = part.rsplit(" ", 2)
                stages.setdefault(name, []).append(float(value))
        indexed = [float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
                   for m in (re.search(r"search index updated in ([\d.]+)(m?s)", l) for l in lines)
                   if m]
        ms = sorted(x * 1000 for x in latencies)
        print(f"corpus: {args.episodes} episodes; edit kind: {args.kind}; "
              f"first build + start: {first:.2f} s")
        print("save → served (ms): " + ", ".join(f"{x * 1000:.0f}" for x in latencies))
        print(f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")
        print(f"rebuilds: {rebuilds} for {args.edits} edits; load average: "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        if stages:
            print("incremental rebuild stages, median ms: " +
                  ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items()))
        if indexed:
            print(f"deferred search index update, median: {statistics.median(indexed):.0f} ms "
                  f"({len(indexed)} runs)")
        print("serve's own build lines (last 3):")
        for l in builds[-3:]:
            print("  " + l)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
