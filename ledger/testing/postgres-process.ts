/**
 * Running Debian's PostgreSQL binaries from tests: find them, run a command as the `postgres` user when
 * we are root (PostgreSQL refuses to run as root), pick a free loopback port, own a temp dir. Shared by
 * the throwaway cluster (postgres-cluster.ts) and the Patroni failover test (test/ledger-failover/).
 */
import { execFile, spawn, type ChildProcess, type ExecFileOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest /usr/lib/postgresql/<v>/bin (or $OGAS_PG_BIN), or an error saying what to install. */
export function postgresBinDir(): string {
  const fromEnv = process.env.OGAS_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: install the Debian ' +
        'package `postgresql` (scripts/setup.sh test does), or set OGAS_PG_BIN',
    );
  }
  return join(root, versions[0]!, 'bin');
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** uid and gid of the `postgres` user when we are root (null: run as ourselves). */
export async function serviceUser(): Promise<{ uid: number; gid: number } | null> {
  if (!isRoot()) return null;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program, resolving with its output, rejecting with its stderr on failure or timeout. */
export function run(
  file: string,
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 60_000, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${String(stderr)}`));
        return;
      }
      resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Runs a program as the `postgres` user when we are root (runuser), else as ourselves. */
export function runAsPostgres(
  file: string,
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<RunResult> {
  return isRoot()
    ? run('runuser', ['-u', 'postgres', '--', file, ...args], options)
    : run(file, args, options);
}

/**
 * Starts a long-running program as the `postgres` user when we are root. Through spawn's uid/gid (not
 * runuser) so that the returned pid is the program's own, the one to stop it by.
 */
export async function spawnAsPostgres(
  file: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly log: string; readonly env?: NodeJS.ProcessEnv },
): Promise<ChildProcess> {
  const user = await serviceUser();
  const out = openSync(options.log, 'a');
  try {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...(user ? { HOME: options.cwd, USER: 'postgres' } : {}), ...options.env },
      stdio: ['ignore', out, out],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child;
  } finally {
    closeSync(out);
  }
}

/** Sends `signal` to a pid we started, if it is still alive; true when it was. */
export function signalPid(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined || pid <= 1) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether a pid is alive: exists and is not a zombie (an orphan nobody reaped still answers signal 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ...": the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** A temp dir the PostgreSQL user owns (os.tmpdir(); the caller removes it). */
export async function postgresTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const user = await serviceUser();
  if (user) await chown(dir, user.uid, user.gid);
  return dir;
}

/** A TCP port free on 127.0.0.1 right now (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Waits until `check` resolves true, polling every `intervalMs`, at most `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
