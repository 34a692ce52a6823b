/**
 * The kiosk backend as a child process of the shell (DESIGN §2): the system's Node runs `ogas kiosk
 * ... --json`, which owns the hardware, the database, the keys and every native module; the shell
 * (Electron, or the browser shell) loads no native module. The backend's first stdout line is one
 * JSON object `{url, rpcUrl, token, ...}`; the shell waits for it, then loads the page. Plain Node: no
 * Electron import, so tests run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { z } from 'zod';

const HelloSchema = z.object({
  url: z.string(),
  rpcUrl: z.url({ protocol: /^http$/ }),
  token: z.string().regex(/^[0-9a-f]{64,256}$/),
});

export interface BackendHello {
  /** The address to open in a browser (token in the fragment). */
  readonly url: string;
  /** The backend's origin, loopback only. */
  readonly rpcUrl: string;
  readonly token: string;
}

/** Parses one stdout line; null when it is not the hello line (other output, or not loopback). */
export function parseBackendHello(line: string): BackendHello | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = HelloSchema.safeParse(json);
  if (!parsed.success) return null;
  const host = new URL(parsed.data.rpcUrl).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]') return null;
  return { url: parsed.data.url, rpcUrl: new URL(parsed.data.rpcUrl).origin, token: parsed.data.token };
}

export interface BackendOptions {
  /** The system's Node (default `node` on PATH; OGAS_NODE overrides). */
  readonly node: string;
  /** Arguments after the node binary, e.g. [".../bin/ogas.mjs", "kiosk", "--demo", "--json"]. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** How long to wait for the hello line (default 120 s: the first demo start makes an election). */
  readonly timeoutMs?: number;
  /** Each line the backend writes to stderr (and stdout after the hello). */
  readonly onOutput?: (line: string) => void;
}

export interface RunningBackend {
  readonly hello: BackendHello;
  readonly child: ChildProcess;
  /** Resolves with the exit code when the backend exits (by itself or after stop). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<number | null>;
}

function lines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    rest += chunk.toString('utf8');
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, i));
      rest = rest.slice(i + 1);
    }
  };
}

export function startBackend(o: BackendOptions): Promise<RunningBackend> {
  const child = spawn(o.node, [...o.args], { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  child.stderr.on(
    'data',
    lines((l) => o.onOutput?.(l)),
  );
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      void stop(1_000);
      reject(new Error(`the kiosk backend did not start within ${o.timeoutMs ?? 120_000} ms`));
    }, o.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(
        new Error(
          `the kiosk backend could not be started with "${o.node}": ${e.message} (set OGAS_NODE to the system's node)`,
        ),
      );
    });
    void exited.then((code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(
        new Error(`the kiosk backend exited (code ${code}) before it was ready; see its messages above`),
      );
    });
    child.stdout.on(
      'data',
      lines((line) => {
        const hello = done ? null : parseBackendHello(line);
        if (!hello) {
          o.onOutput?.(line);
          return;
        }
        done = true;
        clearTimeout(timer);
        resolve({ hello, child, exited, stop });
      }),
    );
  });
}
