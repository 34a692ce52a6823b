// Builds the Electron shell (main/electron/dist/electron-main.cjs and preload.cjs) with esbuild.
// Electron runs JavaScript, not TypeScript; the backend keeps running its TypeScript on Node through
// tsx (bin/ogas.mjs). Only `electron` stays external; no native module is bundled or loaded.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
  absWorkingDir: here,
};
await build({ ...common, entryPoints: ['electron-main.ts'], outfile: 'dist/electron-main.cjs' });
await build({ ...common, entryPoints: ['preload.ts'], outfile: 'dist/preload.cjs' });
console.error('built main/electron/dist/electron-main.cjs and preload.cjs');
