/**
 * A pseudo-terminal pair from socat, standing in for a serial cable (DESIGN §1): one end for the host,
 * one for the emulator, each reachable through a symlink at a path we choose:
 *   socat -d -d pty,raw,echo=0,link=HOST pty,raw,echo=0,link=DEVICE
 * Stopping it (SIGTERM to the socat process we started, by its pid) removes both links and hangs up
 * both ptys: to the host, the controller was unplugged. Starting it again on the same paths plugs it
 * back in, behind new /dev/pts devices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { err, ok, type Result } from '../../protocol/result';

export interface SocatPair {
  readonly hostPath: string;
  readonly devicePath: string;
  readonly pid: number;
  /** Sends SIGTERM to this socat and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startSocatPair(
  hostPath: string,
  devicePath: string,
  timeoutMs = 5000,
): Promise<Result<SocatPair, string>> {
  let child: ChildProcess;
  try {
    child = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } catch (e) {
    return err(`cannot start socat: ${(e as Error).message}`);
  }
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<string>((resolve) => child.once('error', (e) => resolve(e.message)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(hostPath) && existsSync(devicePath) && child.pid !== undefined) break;
    const failure = await Promise.race([
      spawnError,
      exited.then(() => `socat exited: ${stderr.trim() || 'no message'}`),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20)),
    ]);
    if (failure !== null)
      return err(
        failure.includes('ENOENT') ? 'socat is not installed (Debian: apt-get install socat)' : failure,
      );
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      return err(`socat did not create ${hostPath} and ${devicePath} within ${timeoutMs} ms`);
    }
  }
  const pid = child.pid;
  if (pid === undefined) return err('socat started without a process id');
  return ok({
    hostPath,
    devicePath,
    pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  });
}
