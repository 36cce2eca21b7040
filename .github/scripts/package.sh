#!/usr/bin/env bash
# Packs one release build the way action/install.sh and the GitLab template unpack it:
#
#   package.sh TARGET BINARY OUTDIR
#
# writes OUTDIR/castbook-TARGET.tar.gz (a .zip for Windows) holding
# castbook-TARGET/castbook[.exe] with the README and licences, and beside it
# castbook-TARGET.tar.gz.sha256 ("<sha256>  <file name>", as sha256sum prints).
# Used by .github/workflows/release.yml and, on stand-in binaries, by the tests.
set -euo pipefail

[ $# -eq 3 ] || {
    echo "usage: package.sh TARGET BINARY OUTDIR" >&2
    exit 2
}
target=$1 binary=$2 out=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$binary" ] || {
    echo "error: no binary at $binary" >&2
    exit 1
}

name=castbook-$target
case "$target" in
*windows*) exe=castbook.exe archive=$name.zip ;;
*) exe=castbook archive=$name.tar.gz ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod +x "$stage/$name/$exe"
cp "$root/README.md" "$root/LICENSE-APACHE" "$root/LICENSE-MIT" "$stage/$name/"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/$archive" "$out/$archive.sha256"
case "$archive" in
*.zip)
    # GitHub's Windows runners have 7-Zip; elsewhere (tests) Info-ZIP's zip.
    if command -v 7z >/dev/null 2>&1; then
        (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
    else
        (cd "$stage" && zip -qr "$out/$archive" "$name")
    fi
    ;;
*) tar -czf "$out/$archive" -C "$stage" "$name" ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
    sum=$(cd "$out" && sha256sum "$archive")
else
    sum=$(cd "$out" && shasum -a 256 "$archive")
fi
# One line, "<hash>  <name>", whatever the tool's mode marker (Git Bash prints " *name").
echo "${sum%% *}  $archive" >"$out/$archive.sha256"
echo "$out/$archive"
cat "$out/$archive.sha256"
