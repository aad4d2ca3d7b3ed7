#!/usr/bin/env bash
# Checks (and, as root with apt-get, installs) the Debian/Ubuntu packages Qt needs.
# Offscreen set: enough for tests. Xvfb set: a real window on a virtual screen (screenshots).
set -euo pipefail
OFFSCREEN="libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
XVFB="xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 poppler-utils"
want="$OFFSCREEN"
if [ "${WITH_XVFB:-0}" = 1 ] || [ -z "${QT_QPA_PLATFORM:-}" ]; then want="$want $XVFB"; fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; make sure Qt's libraries are installed: $want" >&2
  exit 0
fi
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "system-deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
elif command -v sudo >/dev/null; then
  echo "system-deps: installing with sudo:$missing"
  sudo apt-get update -qq
  # shellcheck disable=SC2086
  sudo apt-get install -y -qq --no-install-recommends $missing
else
  echo "system-deps: missing Debian packages:$missing (install them with apt-get)" >&2
  exit 1
fi
