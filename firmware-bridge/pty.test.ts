/**
 * Over a real pseudo-terminal: the emulator on one end of a socat pty pair, the SMP client on the other
 * through serialport, as on a kiosk with the controller on /dev/ttyACM0 (DESIGN §1). Each test starts
 * its own socat and stops it by pid; "unplugging" is stopping socat, which hangs up both ptys and
 * removes their links, and "plugging back" is starting it again on the same paths.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { serialController } from './controller-factory';
import type { ControllerEvent } from './controller-monitor';
import { ControllerEmulator } from './emulator/controller-emulator';
import { startSocatPair, type SocatPair } from './emulator/socat-pair';
import { uploadImage } from './image-upload';
import { buildMcubootImage } from './mcuboot-image';
import { echo } from './mcumgr-commands';
import type { SmpPeripheralController } from './peripheral-controller';
import { SerialLink } from './serial-link';

interface Rig {
  dir: string;
  hostPath: string;
  devicePath: string;
  socat: SocatPair | null;
  emulator: ControllerEmulator;
  controller: SmpPeripheralController;
  events: ControllerEvent[];
}

let rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs) {
    await r.controller.close();
    await r.emulator.detach();
    await r.socat?.stop();
    rmSync(r.dir, { recursive: true, force: true });
  }
  rigs = [];
});

async function socat(hostPath: string, devicePath: string): Promise<SocatPair> {
  const s = await startSocatPair(hostPath, devicePath);
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

async function rig(bufSize = 2048): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'ogas-pty-'));
  const hostPath = join(dir, 'host');
  const devicePath = join(dir, 'device');
  const pair = await socat(hostPath, devicePath);
  const emulator = new ControllerEmulator({ bufSize });
  const attached = await emulator.attach(
    new SerialLink({ path: devicePath, reconnectIntervalMs: 50, presenceCheckMs: 50 }),
  );
  if (!attached.ok) throw new Error(attached.error);
  const controller = serialController(
    { path: hostPath, reconnectIntervalMs: 50, presenceCheckMs: 50 },
    { timeoutMs: 500, retries: 2, eventPollMs: 50, heartbeatMs: 200 },
  );
  const events: ControllerEvent[] = [];
  controller.onEvent((e) => events.push(e));
  const r: Rig = { dir, hostPath, devicePath, socat: pair, emulator, controller, events };
  rigs.push(r);
  return r;
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SMP over a socat pty', () => {
  it('answers echo and lists images', async () => {
    const { controller } = await rig();
    const info = await controller.connect();
    expect(info).toMatchObject({
      ok: true,
      value: { firmwareVersion: '1.0.0', kioskGroup: true, smpVersion: 2 },
    });
    if (!info.ok) return;
    expect(info.value.images).toHaveLength(1);
    expect(info.value.images[0]).toMatchObject({ slot: 0, version: '1.0.0', active: true, confirmed: true });
    expect(info.value.images[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    const e = await echo(controller.client, 'x'.repeat(300)); // several frames each way
    expect(e.ok).toBe(true);
    expect(controller.client.link.real).toBe(true);
  });

  it('brings a tamper event to the caller', async () => {
    const { controller, emulator, events } = await rig();
    expect((await controller.connect()).ok).toBe(true);
    emulator.openLid();
    await until(
      () => events.some((e) => e.kind === 'device' && e.event.type === 'tamper-opened'),
      'tamper-opened',
    );
    const status = await controller.status();
    expect(status).toMatchObject({ ok: true, value: { lid: 'open', tamperCount: 1 } });
  });

  it('reconnects by itself when the controller is unplugged and plugged back in', async () => {
    const r = await rig();
    const { controller, events } = r;
    expect((await controller.connect()).ok).toBe(true);
    await r.socat!.stop();
    r.socat = null;
    await until(() => events.some((e) => e.kind === 'link-down'), 'link-down');
    expect(controller.health().state).toBe('disconnected');
    expect(await echo(controller.client, 'anyone?')).toMatchObject({
      ok: false,
      error: { kind: 'disconnected' },
    });
    r.socat = await socat(r.hostPath, r.devicePath);
    await until(() => events.some((e) => e.kind === 'link-up'), 'link-up');
    await until(() => r.emulator.snapshot().connected, 'emulator reconnected');
    expect((await echo(controller.client, 'back')).ok).toBe(true);
    expect(controller.health()).toMatchObject({ state: 'connected', reconnects: 1 });
    expect(controller.client.errors.snapshot()['disconnect']).toBe(1);
  });

  it('resumes a firmware upload from the device offset after the cable is pulled mid-way', async () => {
    const r = await rig(1024);
    expect((await r.controller.connect()).ok).toBe(true);
    const file = buildMcubootImage({ major: 1, minor: 4, revision: 0, build: 7 }, randomBytes(24_000));
    let pulled = false;
    const upload = await uploadImage(r.controller.client, file, {
      reconnectWaitMs: 15_000,
      chunkTimeoutMs: 500,
      onProgress: (p) => {
        if (pulled || p.offset < file.length * 0.4) return;
        pulled = true;
        const old = r.socat!;
        r.socat = null;
        void old.stop().then(async () => {
          await new Promise((done) => setTimeout(done, 200));
          r.socat = await socat(r.hostPath, r.devicePath);
        });
      },
    });
    expect(upload.ok).toBe(true);
    if (!upload.ok) return;
    expect(pulled).toBe(true);
    expect(upload.value.resumes).toHaveLength(1);
    expect(upload.value.resumes[0]!.deviceOffset).toBeGreaterThanOrEqual(file.length * 0.4);
    expect(upload.value.slot).toMatchObject({ slot: 1, version: '1.4.0.7' });
    expect(r.controller.client.errors.snapshot()['disconnect']).toBeGreaterThanOrEqual(1);
  });
});
