#!/usr/bin/env bash
# `npm start`: sets up what the demo needs and starts the kiosk demo (emulated card reader, ID scanner,
# HSM and peripheral controller, the demo election, an embedded ledger), then prints the address to open.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh start
exec node bin/ogas.mjs kiosk --demo "$@"
