#!/usr/bin/env bash
# Installs castbook for the castbook GitHub Action (action.yml at the repository root).
# It runs anywhere bash, curl and tar do (Linux, macOS, Git Bash on Windows), so
# tests/suite/action.rs runs it here against a folder laid out like a release.
#
#   install.sh release   Download the release archive for this machine, check it against
#                        its published SHA-256, install it and put it on PATH. When no
#                        release matches (no such version, or none built for this
#                        platform), write fallback=true and what the cargo step needs to
#                        $GITHUB_OUTPUT, and exit 0. A checksum mismatch is an error,
#                        never a reason to fall back.
#   install.sh cargo     Build castbook with `cargo install --locked` into a folder that
#                        the action caches; skipped when the cache restored a binary.
#
# Settings, from the environment (the action sets the first three):
#   CASTBOOK_VERSION     "1.2.3", "v1.2.3" or "latest". Empty: the version the action was
#                        pinned to (castbook/castbook@v1.2.3), else latest.
#   CASTBOOK_ACTION_REF  the action's ref (github.action_ref; composite actions do not
#                        always get it, so GITHUB_ACTION_PATH is read first).
#   CASTBOOK_REPOSITORY  owner/name holding the releases, when GITHUB_ACTION_PATH does
#                        not tell (github.action_repository; default castbook/castbook).
#   CASTBOOK_RELEASES    the releases' base URL (default https://github.com/OWNER/NAME/releases).
#   CASTBOOK_GIT         where cargo installs from (default https://github.com/OWNER/NAME).
#   CASTBOOK_DIR         install folder (default $RUNNER_TEMP/castbook).
#   CASTBOOK_CARGO_REF   cargo step: the `--tag X` or `--rev X` the release step chose.
#   RUNNER_OS, RUNNER_ARCH   set by GitHub (Linux/macOS/Windows, X64/ARM64); else uname.
#   GITHUB_PATH, GITHUB_OUTPUT   the runner's files, appended to when set.
set -euo pipefail

die() {
    echo "error: $*" >&2
    exit 1
}

output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        echo "$1=$2" >>"$GITHUB_OUTPUT"
    fi
}

# The owner/name/ref of the action from its checkout path, .../_actions/OWNER/NAME/REF.
action_path_part() {
    local path=${GITHUB_ACTION_PATH:-}
    path=${path//\\//}
    case "$path" in
    */_actions/*/*/*) ;;
    *) return 0 ;;
    esac
    local rest=${path##*/_actions/}
    local owner=${rest%%/*}
    rest=${rest#*/}
    local name=${rest%%/*}
    rest=${rest#*/}
    local ref=${rest%%/*}
    case "$1" in
    repo) echo "$owner/$name" ;;
    ref) echo "$ref" ;;
    esac
}

repository() {
    local repo
    # The checkout path first: github.action_repository can name an enclosing action.
    repo=$(action_path_part repo)
    repo=${repo:-${CASTBOOK_REPOSITORY:-castbook/castbook}}
    [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || die "not a GitHub repository: '$repo'"
    echo "$repo"
}

# The release tag to install ("v1.2.3"), or "latest".
release_tag() {
    local version=${CASTBOOK_VERSION:-}
    if [ -z "$version" ]; then
        local ref
        ref=$(action_path_part ref)
        ref=${ref:-${CASTBOOK_ACTION_REF:-}}
        # A branch or commit pin (@main, @<sha>) has no release of its own.
        if [[ $ref =~ ^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
            version=$ref
        else
            version=latest
        fi
    fi
    if [ "$version" = latest ]; then
        echo latest
    elif [[ $version =~ ^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
        echo "v${version#v}"
    else
        die "version: expected a version like 1.2.3, or latest; got '$version'"
    fi
}

os_name() {
    local os=${RUNNER_OS:-$(uname -s)}
    case "$os" in
    Linux) echo linux ;;
    macOS | Darwin) echo macos ;;
    Windows | MINGW* | MSYS* | CYGWIN*) echo windows ;;
    *) echo "$os" | tr '[:upper:]' '[:lower:]' ;;
    esac
}

arch_name() {
    local arch=${RUNNER_ARCH:-$(uname -m)}
    case "$arch" in
    X64 | x86_64 | amd64 | AMD64) echo x86_64 ;;
    ARM64 | arm64 | aarch64) echo aarch64 ;;
    *) echo "$arch" | tr '[:upper:]' '[:lower:]' ;;
    esac
}

# The Rust target whose release build runs here; empty when none is built.
# These are the targets .github/workflows/release.yml builds.
release_target() {
    case "$(os_name)/$(arch_name)" in
    linux/x86_64) echo x86_64-unknown-linux-musl ;;
    linux/aarch64) echo aarch64-unknown-linux-musl ;;
    macos/x86_64) echo x86_64-apple-darwin ;;
    macos/aarch64) echo aarch64-apple-darwin ;;
    # Windows on Arm runs x64 programs through its built-in emulation.
    windows/x86_64 | windows/aarch64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
    esac
}

exe_name() {
    if [ "$(os_name)" = windows ]; then echo castbook.exe; else echo castbook; fi
}

install_dir() {
    echo "${CASTBOOK_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/castbook}"
}

# Downloads $1 to $2. Returns 2 when the file is not there (HTTP 4xx, or a missing
# local file in tests), 1 on any other failure.
download() {
    local code=0
    curl --fail --silent --show-error --location --proto '=https,file' \
        --retry 3 --connect-timeout 20 --output "$2" "$1" 2>"$2.log" || code=$?
    case "$code" in
    0) return 0 ;;
    22 | 37) return 2 ;;
    *)
        cat "$2.log" >&2
        return 1
        ;;
    esac
}

sha256_of() {
    local sum
    if command -v sha256sum >/dev/null 2>&1; then
        sum=$(sha256sum "$1")
    elif command -v shasum >/dev/null 2>&1; then
        sum=$(shasum -a 256 "$1")
    else
        die "neither sha256sum nor shasum is installed: cannot check the download"
    fi
    # GNU tools escape odd file names with a leading backslash; ours have none.
    sum=${sum#\\}
    echo "${sum%% *}" | tr '[:upper:]' '[:lower:]'
}

extract() {
    local archive=$1 dest=$2
    case "$archive" in
    *.zip)
        if command -v unzip >/dev/null 2>&1; then
            unzip -q "$archive" -d "$dest"
        elif command -v 7z >/dev/null 2>&1; then
            7z x -y -o"$dest" "$archive" >/dev/null
        else
            powershell -NoProfile -Command "Expand-Archive -LiteralPath '$archive' -DestinationPath '$dest'"
        fi
        ;;
    *) tar -xzf "$archive" -C "$dest" ;;
    esac
}

# Puts $1 on PATH for the next steps, and prints the installed version.
activate() {
    local bin_dir=$1 source=$2 version
    version=$("$bin_dir/$(exe_name)" --version) || die "the installed castbook does not run on this machine ($(os_name)/$(arch_name))"
    echo "installed $version ($source) in $bin_dir"
    if [ -n "${GITHUB_PATH:-}" ]; then
        if command -v cygpath >/dev/null 2>&1; then
            cygpath -w "$bin_dir" >>"$GITHUB_PATH"
        else
            echo "$bin_dir" >>"$GITHUB_PATH"
        fi
    else
        echo "add $bin_dir to PATH to use it"
    fi
    output version "$version"
    output source "$source"
}

# The tag or commit cargo builds for release tag $1, as `--tag X` or `--rev X`.
cargo_ref() {
    local tag=$1 git_url=$2 refs
    if [ "$tag" != latest ]; then
        refs=$(git ls-remote --tags --refs "$git_url" "refs/tags/$tag") ||
            die "cannot reach $git_url to build castbook $tag"
        [ -n "$refs" ] || die "castbook $tag does not exist (no such tag in $git_url)"
        echo "--tag $tag"
        return
    fi
    # The highest release tag (not a pre-release, as GitHub's "latest"), else the
    # default branch. Plain numeric sort: `sort -V` is not everywhere.
    refs=$(git ls-remote --tags --refs "$git_url") || die "cannot reach $git_url to build castbook"
    local newest
    newest=$(echo "$refs" | sed -n 's|.*refs/tags/v\([0-9]*\.[0-9]*\.[0-9]*\)$|\1|p' |
        sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
    if [ -n "$newest" ]; then
        echo "--tag v$newest"
    else
        local head
        head=$(git ls-remote "$git_url" HEAD | cut -f1)
        [[ $head =~ ^[0-9a-f]{40,64}$ ]] || die "cannot find the default branch of $git_url"
        echo "--rev $head"
    fi
}

# The download folder, removed on exit (global: the EXIT trap runs after the function).
tmp=""

install_release() {
    local repo tag target exe releases archive url dir
    repo=$(repository)
    tag=$(release_tag)
    target=$(release_target)
    exe=$(exe_name)
    releases=${CASTBOOK_RELEASES:-https://github.com/$repo/releases}
    dir=$(install_dir)

    if [ -n "$target" ]; then
        case "$target" in
        *windows*) archive=castbook-$target.zip ;;
        *) archive=castbook-$target.tar.gz ;;
        esac
        if [ "$tag" = latest ]; then
            url=$releases/latest/download/$archive
        else
            url=$releases/download/$tag/$archive
        fi
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        echo "downloading $url"
        local status=0
        download "$url" "$tmp/$archive" || status=$?
        if [ "$status" = 0 ]; then
            download "$url.sha256" "$tmp/$archive.sha256" ||
                die "$url.sha256 is missing: the release cannot be checked"
            local expected actual
            expected=$(head -n 1 "$tmp/$archive.sha256" | tr -d '\r')
            expected=$(echo "${expected%% *}" | tr '[:upper:]' '[:lower:]')
            [[ $expected =~ ^[0-9a-f]{64}$ ]] || die "$url.sha256 holds no SHA-256"
            actual=$(sha256_of "$tmp/$archive")
            if [ "$actual" != "$expected" ]; then
                die "checksum mismatch for $archive: expected $expected, got $actual." \
                    "The download is damaged or not the published file; nothing was installed."
            fi
            echo "sha256 $actual ok"
            mkdir "$tmp/x"
            extract "$tmp/$archive" "$tmp/x"
            local found=$tmp/x/castbook-$target/$exe
            [ -f "$found" ] || die "$archive holds no castbook-$target/$exe"
            mkdir -p "$dir/bin"
            rm -f "$dir/bin/$exe"
            cp "$found" "$dir/bin/$exe"
            chmod +x "$dir/bin/$exe"
            activate "$dir/bin" release
            return
        elif [ "$status" = 2 ]; then
            echo "no release archive at $url"
        else
            die "could not download $url"
        fi
    else
        echo "no castbook release is built for $(os_name)/$(arch_name)"
    fi

    # No release fits: the cargo step builds it, from the same tag, into a cached folder.
    local git_url ref key
    git_url=${CASTBOOK_GIT:-https://github.com/$repo}
    ref=$(cargo_ref "$tag" "$git_url")
    key="castbook-cargo-${ref##* }-${ImageOS:-$(os_name)}-$(arch_name)"
    echo "falling back to: cargo install --locked --git $git_url $ref castbook"
    output fallback true
    output cargo-ref "$ref"
    output cargo-root "$dir/cargo"
    output cache-key "$key"
}

install_cargo() {
    local repo git_url root exe ref
    repo=$(repository)
    git_url=${CASTBOOK_GIT:-https://github.com/$repo}
    root=$(install_dir)/cargo
    exe=$(exe_name)
    ref=${CASTBOOK_CARGO_REF:-}
    [[ $ref =~ ^--(tag|rev)\ [0-9A-Za-z._-]+$ ]] || die "CASTBOOK_CARGO_REF: expected '--tag X' or '--rev X', got '$ref'"
    if [ -x "$root/bin/$exe" ] && "$root/bin/$exe" --version >/dev/null 2>&1; then
        echo "castbook restored from the cache"
        activate "$root/bin" cargo
        return
    fi
    command -v cargo >/dev/null 2>&1 ||
        die "no castbook release for this runner, and no cargo to build one: install Rust first"
    # $ref is two words (--tag X) by design.
    # shellcheck disable=SC2086
    cargo install --locked --root "$root" --git "$git_url" $ref castbook
    activate "$root/bin" cargo
}

case "${1:-}" in
release) install_release ;;
cargo) install_cargo ;;
*) die "usage: install.sh release|cargo" ;;
esac
