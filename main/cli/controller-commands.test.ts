/**
 * `ogas controller info` over a real socat pty: in-process through main() against the emulator (text,
 * JSON, a plain Zephyr device, no answer, bad usage), and once end to end, spawning `bin/ogas.mjs` and
 * the standalone emulator (firmware-bridge/emulator-main.ts) as a technician would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerEmulator, type EmulatorOptions } from '../../firmware-bridge/emulator/controller-emulator';
import { startSocatPair, type SocatPair } from '../../firmware-bridge/emulator/socat-pair';
import { SerialLink } from '../../firmware-bridge/serial-link';
import { main } from './main';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function pty(
  emulatorOptions: EmulatorOptions | null,
): Promise<{ hostPath: string; emulator: ControllerEmulator | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'ogas-cli-'));
  const hostPath = join(dir, 'host');
  const pair = await startSocatPair(hostPath, join(dir, 'device'));
  if (!pair.ok) throw new Error(pair.error);
  const socat: SocatPair = pair.value;
  cleanups.push(async () => {
    await socat.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  if (emulatorOptions === null) return { hostPath, emulator: null };
  const emulator = new ControllerEmulator(emulatorOptions);
  const attached = await emulator.attach(new SerialLink({ path: socat.devicePath }));
  if (!attached.ok) throw new Error(attached.error);
  cleanups.push(() => emulator.detach());
  return { hostPath, emulator };
}

async function ogas(args: readonly string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    stopSignal: new AbortController().signal,
  });
  return { code, stdout: out, stderr: errText };
}

describe('ogas controller info (in process, over a pty)', () => {
  it('prints images, echo round trip and kiosk state', async () => {
    const { hostPath, emulator } = await pty({ firmwareVersion: '1.3.0' });
    emulator!.openLid();
    emulator!.cutPower();
    const r = await ogas(['controller', 'info', '--port', hostPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hash = emulator!.snapshot().images[0]!.hash;
    expect(r.stdout).toContain(`controller on ${hostPath} (SMP version 2)`);
    expect(r.stdout).toContain('image 0 slot 0  1.3.0        bootable confirmed active');
    expect(r.stdout).toContain(`hash ${hash}`);
    expect(r.stdout).toMatch(/echo: 5 round trips, median [\d.]+ ms/);
    expect(r.stdout).toContain('kiosk group: lid open (opened 1 times), power battery, battery 100 %');
  });

  it('gives the same as JSON with --json', async () => {
    const { hostPath, emulator } = await pty({});
    const r = await ogas(['controller', 'info', '--port', hostPath, '--json', '--echoes', '3']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      port: hostPath,
      smpVersion: 2,
      params: { bufSize: 2048, bufCount: 4 },
      images: [
        {
          image: 0,
          slot: 0,
          version: '1.0.0',
          hash: emulator!.snapshot().images[0]!.hash,
          flags: ['bootable', 'confirmed', 'active'],
        },
      ],
      echo: { count: 3 },
      kiosk: { supported: true, status: { lid: 'closed', power: 'mains', printer: 'ready' } },
    });
    expect(report.echo.minMs).toBeLessThanOrEqual(report.echo.medianMs);
  });

  it('reports "not supported" for the kiosk group of a plain Zephyr/MCUboot device, and exits 0', async () => {
    const { hostPath } = await pty({ kioskGroup: false, supportsSmpV2: false });
    const r = await ogas(['controller', 'info', '--port', hostPath, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ smpVersion: 1, kiosk: { supported: false } });
    const text = await ogas(['controller', 'info', '--port', hostPath]);
    expect(text.stdout).toContain('kiosk group: not supported');
  });

  it('exits 1 with advice when nothing answers on the port', async () => {
    const { hostPath } = await pty(null);
    const r = await ogas(['controller', 'info', '--port', hostPath, '--timeout', '100']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not answer echo within 100 ms \(3 tries\)/);
  });

  it('exits 2 on bad usage or a port that does not exist', async () => {
    expect((await ogas(['controller', 'info'])).stderr).toMatch(/--port is required/);
    const missing = await ogas(['controller', 'info', '--port', '/dev/ogas-no-such-port']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such device/);
    expect((await ogas(['controller', 'info', '--port', '/dev/null', '--echoes', '0'])).code).toBe(2);
  });
});

describe('ogas controller info (spawned, against the standalone emulator)', () => {
  it('works end to end as a technician would run it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ogas-cli-e2e-'));
    const hostPath = join(dir, 'controller');
    const emu = spawn(
      process.execPath,
      ['--import', 'tsx', 'firmware-bridge/emulator-main.ts', '--pty', hostPath, '--firmware', '4.5.6'],
      {
        cwd: ROOT,
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let emuErr = '';
    emu.stderr.on('data', (d: Buffer) => (emuErr += d.toString()));
    const exited = new Promise<void>((resolve) => emu.once('exit', () => resolve()));
    cleanups.push(async () => {
      emu.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    });
    const deadline = Date.now() + 30_000;
    while (!emuErr.includes('type help')) {
      if (Date.now() > deadline || emu.exitCode !== null)
        throw new Error(`emulator did not start: ${emuErr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['bin/ogas.mjs', 'controller', 'info', '--port', hostPath, '--json'],
          { cwd: ROOT },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      images: [{ version: '4.5.6' }],
      kiosk: { supported: true },
    });
    emu.kill('SIGTERM');
    await exited;
    // The emulator stopped the socat it started: the port is gone.
    expect(existsSync(hostPath)).toBe(false);
  });
});
