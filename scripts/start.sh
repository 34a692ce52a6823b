#!/usr/bin/env bash
# `npm start`: sets up what the demo needs and starts the kiosk demo (emulated card reader, ID scanner,
# HSM and peripheral controller, the demo election, an embedded ledger with two witnesses).
#
# With an Electron binary installed (node_modules/electron/path.txt and the binary under dist/) and a
# display, it opens the thin Electron shell (main/electron), which starts the backend on this Node.
# Otherwise it runs the browser shell: the backend prints the address to open (with a one-time token).
# The Electron binary is never downloaded here (node_modules/electron/index.js would fetch it; we only
# look for the files). OGAS_NO_ELECTRON=1 forces the browser shell.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh start

# The UI (renderer/dist) is built when missing or older than its sources.
if [ ! -f renderer/dist/index.html ] \
  || [ -n "$(find renderer main/rpc/api.ts -path renderer/dist -prune -o -newer renderer/dist/index.html -type f -print -quit)" ]; then
  echo "npm start: building the kiosk UI (vite, a few seconds)..." >&2
  npm run --silent build:renderer >/dev/null
fi

electron_dir=node_modules/electron
if [ -z "${OGAS_NO_ELECTRON:-}" ] && [ -f "$electron_dir/path.txt" ] \
  && [ -x "$electron_dir/dist/$(cat "$electron_dir/path.txt")" ] \
  && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  node main/electron/build-shell.mjs
  OGAS_NODE="${OGAS_NODE:-$(command -v node)}" \
    exec "$electron_dir/dist/$(cat "$electron_dir/path.txt")" main/electron/dist/electron-main.cjs --demo "$@"
fi

echo "npm start: no Electron binary or no display here: serving the kiosk UI to a browser instead." >&2
exec node bin/ogas.mjs kiosk --demo "$@"
