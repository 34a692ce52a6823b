/**
 * Bundles the crash test's kiosk worker into one ES module with esbuild (already installed with tsx
 * and vite), so that each of the hundreds of restarts costs a Node start, not a TypeScript compile.
 * better-sqlite3 (native) stays outside the bundle, imported from this repository's node_modules by
 * absolute path, since the bundle lives in a temporary folder.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

export async function bundleWorker(outDir: string): Promise<string> {
  const outfile = join(outDir, 'kiosk-worker.mjs');
  const native = require.resolve('better-sqlite3');
  await build({
    entryPoints: [fileURLToPath(new URL('./kiosk-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    plugins: [
      {
        name: 'native-from-repo',
        setup(b) {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: native, external: true }));
        },
      },
    ],
  });
  return outfile;
}
