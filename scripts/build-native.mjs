#!/usr/bin/env node
// Builds native/ml-dsa (the fast ML-DSA verifier and signer) with the node-gyp that ships inside npm.
// Run by `npm install`/`npm ci` (the root package's "install" script), so it compiles once per install.
// A failure is not fatal: the ledger, the auditor and the kiosk then fall back to noble (about 12x
// slower); the ledger and the auditor say so when they start.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native', 'ml-dsa');
const npmNodeGyp = process.env.npm_config_node_gyp;
const candidates = [
  npmNodeGyp,
  join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  ),
].filter(Boolean);
const nodeGyp = candidates.find((p) => existsSync(p));
if (!nodeGyp) {
  console.warn('native ML-DSA not built: node-gyp not found (npm ships it; is npm installed?).');
  process.exit(0);
}
const args = [nodeGyp, 'rebuild', '--release'];
// Build against the local Node headers when the machine has them: nothing is downloaded.
if (
  !process.env.npm_config_nodedir &&
  existsSync(join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h'))
) {
  args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);
}
console.log('building the native ML-DSA verifier and signer (PQClean, a few seconds)...');
const r = spawnSync(process.execPath, args, {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (r.status !== 0) {
  console.warn(
    r.stderr
      .split('\n')
      .filter((l) => l.includes('ERR'))
      .slice(0, 8)
      .join('\n'),
  );
  console.warn('native ML-DSA not built: the ledger, audit and kiosk will use the slower noble code.');
  console.warn('To retry: install python3, make and g++, then run `node scripts/build-native.mjs`.');
  process.exit(0);
}
console.log('native ML-DSA built: native/ml-dsa/build/Release/ogas_ml_dsa.node');
