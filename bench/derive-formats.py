#!/usr/bin/env python3
"""Derive transcript corpora in other tools' formats from a built text corpus.

usage: derive-formats.py TEXT_SITE PUBLIC OUT FORMAT...

TEXT_SITE/content holds castbook text transcripts (gen-corpus output) whose front
matter has `slug: <file stem>`; PUBLIC is that site built by castbook, so
PUBLIC/episodes/<slug>/ holds castbook's own exports. For each FORMAT, writes
OUT/<FORMAT>/content/<stem>.<ext> plus <stem>.yml (the front matter, as a sidecar)
and <stem>.chapters.json (castbook's chapters export):

  vtt      transcript.vtt as exported
  srt      transcript.srt as exported
  json     transcript.json (Podcasting 2.0) as exported
  whisperx WhisperX-shaped JSON: segments with start/end/text and SPEAKER_nn labels,
           mapped back to names by the sidecar's `speakers:`
  otter    otter.ai text: `Full Name  H:MM:SS`, the paragraphs, a blank line

Python standard library only.
"""

import json
import os
import re
import sys


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        sys.exit(f"{path}: no front matter")
    return m.group(1) + "\n"


def slug_of(stem):
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def hms(seconds):
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02}:{s % 60:02}"


def whisperx(transcript, front):
    labels = {}
    segments = []
    for seg in transcript["segments"]:
        label = labels.setdefault(seg["speaker"], f"SPEAKER_{len(labels):02}")
        segments.append(
            {
                "start": seg["startTime"],
                "end": seg["endTime"],
                "text": " " + seg["body"].replace("\n", " "),
                "speaker": label,
            }
        )
    speakers = "".join(f"  {label}: {json.dumps(name)}\n" for name, label in labels.items())
    return json.dumps({"segments": segments, "language": "en"}), front + "speakers:\n" + speakers


def otter(transcript):
    out = []
    for seg in transcript["segments"]:
        out.append(f"{seg['speaker']}  {hms(seg['startTime'])}\n{seg['body']}\n")
    return "\n".join(out) + "\nTranscribed by https://otter.ai\n"


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    site, public, out, formats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    content = os.path.join(site, "content")
    for fmt in formats:
        os.makedirs(os.path.join(out, fmt, "content"), exist_ok=True)
    for name in sorted(os.listdir(content)):
        stem, ext = os.path.splitext(name)
        if ext != ".txt":
            continue
        front = front_matter(os.path.join(content, name))
        exports = os.path.join(public, "episodes", slug_of(stem))
        chapters = open(os.path.join(exports, "chapters.json"), encoding="utf-8").read()
        transcript = json.load(open(os.path.join(exports, "transcript.json"), encoding="utf-8"))
        for fmt in formats:
            base = os.path.join(out, fmt, "content", stem)
            sidecar = front
            if fmt in ("vtt", "srt"):
                body = open(os.path.join(exports, f"transcript.{fmt}"), encoding="utf-8").read()
                ext = fmt
            elif fmt == "json":
                body = json.dumps(transcript)
                ext = "json"
            elif fmt == "whisperx":
                body, sidecar = whisperx(transcript, front)
                ext = "json"
            elif fmt == "otter":
                body = otter(transcript)
                ext = "txt"
            else:
                sys.exit(f"unknown format {fmt}")
            with open(f"{base}.{ext}", "w", encoding="utf-8") as f:
                f.write(body)
            with open(f"{base}.yml", "w", encoding="utf-8") as f:
                f.write(sidecar)
            with open(f"{base}.chapters.json", "w", encoding="utf-8") as f:
                f.write(chapters)


if __name__ == "__main__":
    main()
