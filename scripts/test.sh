#!/usr/bin/env bash
# `npm test`: sets up what the tests need, then runs every check: lint, typecheck, and all unit and
# integration tests (vitest). Ends with one line `N passed, N failed` that counts every test, with
# lint and typecheck counted as one test each.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit 1

passed=0
failed=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "lint (eslint + prettier)"
if npm run --silent lint; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "lint: FAILED"; fi

step "typecheck (tsc 7)"
if npm run --silent typecheck; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "typecheck: FAILED"; fi

step "unit and integration tests (vitest)"
report="$(mktemp -t ogas-vitest-XXXXXX.json)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
vitest_rc=$?
counts="$(node -e '
  const fs = require("fs");
  try {
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    // Files that failed to load count as failed tests too.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + broken, r.numPendingTests + r.numTodoTests);
  } catch { console.log("0 1 0"); }
' "$report")"
rm -f "$report"
read -r vp vf vs <<<"$counts"
if [ "$vitest_rc" -ne 0 ] && [ "$vf" -eq 0 ]; then vf=1; fi
passed=$((passed + vp))
failed=$((failed + vf))
if [ "$vs" -gt 0 ]; then echo "$vs tests skipped (not counted as passed)"; fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
