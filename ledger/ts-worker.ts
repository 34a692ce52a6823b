/**
 * Starts a worker thread whose entry module is TypeScript. On Node 20, `new Worker(url, { execArgv:
 * ['--import', 'tsx'] })` does not apply tsx's hooks to the worker's entry module
 * (ERR_UNKNOWN_FILE_EXTENSION; checked on Node 20.20), so the worker starts from a two-line bootstrap
 * that registers tsx's ESM hooks (tsx/esm/api, resolved by absolute path) and then imports the module:
 * the same under the CLI (bin/ogas.mjs), vitest and tsx, from any working directory. Used by the
 * ledger's verify pool and the audit's workers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

let tsxApi: string | undefined;

function tsxEsmApi(): string {
  if (tsxApi) return tsxApi;
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = pkg.exports['./esm/api'];
  const relative = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!relative)
    throw new Error('tsx does not export an ESM "./esm/api": cannot start TypeScript worker threads');
  tsxApi = pathToFileURL(join(dirname(manifest), relative)).href;
  return tsxApi;
}

export function startTsWorker(module: URL, resourceLimits?: ResourceLimits): Worker {
  const code = `(async () => {
    const { register } = await import(${JSON.stringify(tsxEsmApi())});
    register();
    await import(${JSON.stringify(module.href)});
  })().catch((e) => { throw e; });`;
  return new Worker(code, { eval: true, ...(resourceLimits ? { resourceLimits } : {}) });
}
