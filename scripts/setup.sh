#!/usr/bin/env bash
# Sets up this checkout for `npm start` (demo) or `npm test` (all tests): checks Node, installs the
# Debian/Ubuntu packages the chosen mode needs (through apt when run as root, otherwise prints the exact
# command and stops), and installs npm dependencies once per package-lock.json (better-sqlite3 compiles
# from source, so a second install is skipped unless the lockfile or Node changed).
# usage: scripts/setup.sh start|test
set -euo pipefail
mode="${1:-test}"
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Node -------------------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  say "Node.js 20.19 or newer is needed and none was found. On Debian/Ubuntu: see https://nodejs.org/en/download"
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  say "Node.js $(node -v) is too old: Vite 8 and this project need 20.19 or newer."
  exit 1
fi

# --- system packages ------------------------------------------------------------------------------
# build tools: better-sqlite3 and pkcs11js compile with node-gyp.
packages=(python3 make g++)
if [ "$mode" = test ]; then
  # softhsm2: stands in for cards and the HSM; opensc: pkcs11-tool for test tokens; socat: serial ptys;
  # chromium: browser tests; libusb/udev: node-hid and SerialPort.list(); postgresql + etcd + patroni:
  # the ledger's PostgreSQL storage and its failover test.
  packages+=(softhsm2 opensc socat chromium libusb-1.0-0 udev postgresql etcd-server patroni)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing system packages: ${missing[*]} (apt, a few minutes)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    say "these system packages are missing: ${missing[*]}"
    say "install them, then run this command again:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

# --- npm dependencies -----------------------------------------------------------------------------
stamp=node_modules/.ogas-install-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node -v)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm packages (better-sqlite3 compiles from source here: about 3 minutes)"
  # Electron's binary cannot be downloaded on build machines without internet; the kiosk runs in a
  # browser shell when it is absent (README: Electron).
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
else
  say "npm packages are up to date"
fi
