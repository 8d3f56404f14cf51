#!/usr/bin/env bash
# Installs everything photoferry's demo and tests need on a fresh Debian machine (run as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(rclone apache2 openssh-server libheif-examples chromium postgresql python3-aiosmtpd)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node ≥ 22.12 first on PATH (Node 24 LTS from the npm registry when the machine's own is older).
source scripts/node-runtime.sh
echo "photoferry: using Node $(node --version) ($(command -v node))"

# better-sqlite3 13 ships prebuilt N-API binaries in its npm package: nothing to compile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The CLI runs from a bundle in dist/ (plain JS, less memory and a faster start); bin/ falls back to the sources if it is stale.
npm run --silent build
