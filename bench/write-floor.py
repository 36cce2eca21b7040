#!/usr/bin/env python3
"""The cost of only writing a built site: a floor under any build into a new folder.

    bench/write-floor.py SITE DEST

Reads every file of SITE into memory (not timed), then writes the same files, byte for
byte, into the new folder DEST with one plain writer process per core (open, one
write, close; folders made as needed) and nothing else: no rendering, no
compression. Prints "wall user sys" in seconds for the writing alone (user and sys
are the writers' CPU). bench/build.sh runs it beside protocol B: no builder can make
that site in a new folder on this machine for less than this, whatever it computes.
"""

import os
import resource
import sys
import time


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    if os.path.exists(dst):
        sys.exit(f"{dst} exists: give a new folder")
    files = []
    for root, _dirs, names in os.walk(src):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                files.append((os.path.relpath(path, src), f.read()))
    writers = os.cpu_count() or 1
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pids = []
    for k in range(writers):
        pid = os.fork()
        if pid == 0:
            made = set()
            for rel, data in files[k::writers]:
                path = os.path.join(dst, rel)
                parent = os.path.dirname(path)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.close(fd)
            os._exit(0)
        pids.append(pid)
    failed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        failed += status != 0
    wall = time.perf_counter() - start
    if failed:
        sys.exit(f"{failed} writer(s) failed")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{wall:.3f} {after.ru_utime - before.ru_utime:.3f} "
        f"{after.ru_stime - before.ru_stime:.3f}"
    )


if __name__ == "__main__":
    main()
