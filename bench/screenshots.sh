#!/usr/bin/env bash
# Screenshots of the sample in every bundled theme for docs/themes.md.
#
#   bench/screenshots.sh [OUT]      (default docs/screenshots)
#
# Builds the sample (book.toml + content/) once per theme with the debug binary,
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
BIN=$REPO/target/debug/castbook
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
