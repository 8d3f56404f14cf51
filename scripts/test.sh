#!/usr/bin/env bash
# Set-up plus the whole test suite: lint, typecheck, unit, conformance (real loopback servers) and CLI end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/node-runtime.sh
npm test
