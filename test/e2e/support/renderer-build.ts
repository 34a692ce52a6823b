/**
 * The e2e tests run against renderer/dist as the backend serves it. When dist is missing, or older
 * than any source of the UI, they build it first (`vite build --config renderer/vite.config.ts`, the
 * same as `npm run build:renderer`), so a fresh clone and a stale build both test the current code.
 * A lock directory keeps two test files from building at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const RENDERER_DIST = join(REPO, 'renderer', 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** True when dist/index.html exists and is newer than every file of the UI and its API types. */
export function rendererBuildIsCurrent(): boolean {
  const index = join(RENDERER_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const sources = [join(REPO, 'renderer'), join(REPO, 'main', 'rpc', 'api.ts')];
  return statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime));
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'ogas-renderer-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build holds the lock; a lock older than two minutes is left over from a crash.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held === undefined) continue;
      if (Date.now() > deadline || Date.now() - held.mtimeMs > 120_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function ensureRendererBuilt(): Promise<void> {
  if (rendererBuildIsCurrent()) return;
  await withLock(async () => {
    if (rendererBuildIsCurrent()) return;
    const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
    await run(process.execPath, [
      vite,
      'build',
      '--config',
      join(REPO, 'renderer', 'vite.config.ts'),
      '--logLevel',
      'warn',
    ]);
  });
}
