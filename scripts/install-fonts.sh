#!/usr/bin/env bash
# Install the fonts the PDFs draw non-Latin names with: Debian's fonts-noto-core
# (Arabic, Hebrew, Georgian, Armenian, Devanagari, and Noto Sans) and
# fonts-droid-fallback (Chinese and Japanese). habeas/advocacy/render.py says why
# these; docs/operations.md "Fonts".
#
# Called by the Makefile's install step and by CI. Installing system packages
# needs root: anyone else is told the command, and Habeas runs without them (a
# PDF whose names need them is refused, naming the field, and the DOCX offered).
# With HABEAS_REQUIRE_FONTS=1 (CI) a font that cannot be installed is a failure.
set -euo pipefail

PACKAGES=(fonts-noto-core fonts-droid-fallback)
FILES=(
    /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
    /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf
    /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
)
INSTALL="apt-get update && apt-get install -y ${PACKAGES[*]}"

present() {
    local f
    for f in "${FILES[@]}"; do [ -f "$f" ] || return 1; done
}

fail() {
    echo "fonts: $*" >&2
    echo "fonts: PDFs of names in Arabic, Hebrew, Georgian, Armenian, Devanagari or Chinese" \
        "script will be refused until then; install as root: $INSTALL" >&2
    [ "${HABEAS_REQUIRE_FONTS:-}" = 1 ] && exit 1
    exit 0
}

present && exit 0
[ "$(id -u)" -eq 0 ] || fail "${PACKAGES[*]} not installed"
command -v apt-get >/dev/null || fail "no apt-get on this machine"
log=$(mktemp "${TMPDIR:-/tmp}/habeas-fonts-install.XXXXXX.log")
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >"$log" 2>&1 || fail "'apt-get update' failed (log: $log)"
apt-get install -y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 "${PACKAGES[@]}" \
    </dev/null >>"$log" 2>&1 || fail "'apt-get install ${PACKAGES[*]}' failed (log: $log)"
present || fail "installed, but a font file is missing (log: $log)"
rm -f "$log"
