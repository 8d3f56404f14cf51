#!/usr/bin/env bash
# Set-up plus the main job on the embedded default: sample library → photoferry copy → local folder, with a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/node-runtime.sh
npm run --silent demo -- "$@"
