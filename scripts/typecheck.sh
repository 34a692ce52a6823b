#!/usr/bin/env bash
# Type-checks the Node side and the browser side (renderer/, DOM types) with TypeScript 7's native tsc.
set -euo pipefail
cd "$(dirname "$0")/.."
tsc=node_modules/tsc7/bin/tsc
node "$tsc" -p tsconfig.json
if find renderer -name '*.ts' -o -name '*.tsx' | grep -v node_modules | grep -q .; then
  node "$tsc" -p renderer/tsconfig.json
fi
