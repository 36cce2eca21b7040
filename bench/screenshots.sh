#!/usr/bin/env bash
# Screenshots of the sample in every bundled theme for docs/themes.md.
#
#   bench/screenshots.sh [OUT]      (default docs/screenshots)
#
# Builds the sample (book.toml + content/) once per theme with the debug binary,
# once more as docs/themes.md's worked example (nightshift-*.png), and a
# 60-episode gen-corpus archive with the sample's book.toml whose guests list is
# shot with two facets filtered (default-guests-filtered-*.png, docs/taxonomies.md),
# serves each build with Python's static server on 127.0.0.1, and has headless
# Chromium (e2e/screenshots.mjs, /usr/bin/chromium through playwright-core) take
# home and episode pages, light and dark, at 1280 and 390 px. With pngquant (or a
# real ImageMagick) on PATH, the PNGs are reduced to 128 colours, well under 150 KB.
# Not a test: it asserts nothing beyond the pages loading without script errors.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
OUT=${1:-$REPO/docs/screenshots}
THEMES=(default magazine)

cargo build --quiet --manifest-path "$REPO/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$REPO/target}/debug/castbook
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ARGS=()
for theme in "${THEMES[@]}"; do
  site=$WORK/$theme
  mkdir -p "$site"
  cp -r "$REPO/content" "$site/"
  # The sample's own settings, with the theme chosen under [output.html].
  sed "s/^\[output.html\]$/[output.html]\ntheme = \"$theme\"/" "$REPO/book.toml" > "$site/book.toml"
  "$BIN" build "$site" -d "$site/public" >/dev/null 2>&1 || "$BIN" build "$site" -d "$site/public"
  port=$(free_port)
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site/public" >/dev/null 2>&1 &
  PIDS+=("$!")
  ARGS+=("$theme=http://127.0.0.1:$port/")
done

# docs/themes.md's worked example ("Night Shift Radio"): its book.toml, CSS and
# template blocks on the sample, with a stand-in logo.
site=$WORK/nightshift
mkdir -p "$site/static" "$site/brand" "$site/themes/magazine/templates"
cp -r "$REPO/content" "$site/"
python3 - "$REPO/docs/themes.md" "$site" <<'PY'
import sys, pathlib
doc, site = pathlib.Path(sys.argv[1]).read_text(), pathlib.Path(sys.argv[2])
blocks, cur = [], None
for line in doc.split("## Worked example", 1)[1].splitlines():
    if line.strip().startswith("```"):
        if cur is None: cur = []
        else: blocks.append("".join(cur)); cur = None
    elif cur is not None:
        cur.append((line[3:] if line.startswith("   ") else line) + "\n")
toml, css, jinja = blocks
(site / "book.toml").write_text(toml)
(site / "brand/nightshift.css").write_text(css)
(site / "themes/magazine/templates/base.html").write_text(jinja)
(site / "static/nightshift.svg").write_text(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#b45309"/>'
    '<path d="M20 7a10 10 0 1 0 5 17A8 8 0 0 1 20 7z" fill="#fdf8f0"/></svg>')
PY
"$BIN" build "$site" -d "$site/public" >/dev/null 2>&1 || "$BIN" build "$site" -d "$site/public"
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site/public" >/dev/null 2>&1 &
PIDS+=("$!")
ARGS+=("nightshift=http://127.0.0.1:$port/")

# The guests list of a generated archive, filtered by company size (10s or 100s)
# and career start (2010–2014): the filters' state lives in the URL.
site=$WORK/filters
mkdir -p "$site"
python3 "$REPO/../shared/tools/gen-corpus" --episodes 60 --seed 1 "$site/content" >/dev/null
cp "$REPO/book.toml" "$site/"
"$BIN" build "$site" -d "$site/public" >/dev/null 2>&1 || "$BIN" build "$site" -d "$site/public"
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site/public" >/dev/null 2>&1 &
PIDS+=("$!")
ARGS+=("default@guests-filtered=http://127.0.0.1:$port/guests/?company-sizes=10s&company-sizes=100s&career-start=2010-2014")

# Wait until every server answers (they start in well under a second).
for arg in "${ARGS[@]}"; do
  url=${arg#*=}
  for _ in $(seq 50); do
    curl -fs -o /dev/null "$url" && break
    sleep 0.1
  done
done

mkdir -p "$OUT"
(cd "$REPO/e2e" && node screenshots.mjs "$OUT" "${ARGS[@]}")

# The worked example sets default-theme = "dark", so its "light" shots (the
# reader's system being light) are the same pictures: keep one set.
rm -f "$OUT"/nightshift-*-light-*.png

if command -v pngquant >/dev/null; then
  pngquant --force --skip-if-larger --strip --ext .png 128 "$OUT"/*.png || true
elif convert -version 2>/dev/null | grep -q ImageMagick; then
  for png in "$OUT"/*.png; do
    convert "$png" -strip -colors 128 "PNG8:$png"
  done
else
  echo "no pngquant or ImageMagick: PNGs left uncompressed" >&2
fi
ls -l "$OUT"
