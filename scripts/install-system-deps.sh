#!/usr/bin/env bash
# Installs the Debian packages Muster needs, only when they are missing.
#   build: what `pip install` needs to compile PyICU (libicu-dev, pkg-config)
#   test:  build + Chromium for the browser tests + PostgreSQL for the storage tests
set -euo pipefail
mode=${1:-build}
want=(libicu-dev pkg-config)
if [ "$mode" = test ]; then
  want+=(chromium postgresql)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
