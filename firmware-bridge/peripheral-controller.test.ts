/**
 * The controller interface over the in-memory link to the in-process emulator: the same SMP client,
 * framing and emulator as over a pty, without the pty (those tests are in pty.test.ts). Covers the
 * kiosk group, events by polling, fault handling, the SMP version fallback, a plain Zephyr device, and
 * diagnostics from real exchanges.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emulatedController } from './controller-factory';
import type { ControllerEvent } from './controller-monitor';
import type { EmulatorOptions } from './emulator/controller-emulator';
import { echo } from './mcumgr-commands';
import type { SmpPeripheralController } from './peripheral-controller';

let opened: SmpPeripheralController[] = [];
afterEach(async () => {
  await Promise.all(opened.map((c) => c.close()));
  opened = [];
});

/**
 * A connected pair. The timeout is generous by default so a loaded CI machine never turns a slow answer
 * into a counted timeout; tests about timeouts pass a short one.
 */
async function setup(emulator: EmulatorOptions = {}, timeoutMs = 1000, eventPollMs = 20) {
  const r = await emulatedController({
    emulator,
    controller: { timeoutMs, retries: 2, eventPollMs, heartbeatMs: 50 },
  });
  opened.push(r.controller);
  return r;
}

function collect(controller: SmpPeripheralController): ControllerEvent[] {
  const events: ControllerEvent[] = [];
  controller.onEvent((e) => events.push(e));
  return events;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('connect and the kiosk group', () => {
  it('reports images, parameters, SMP version 2 and the kiosk group', async () => {
    const { controller } = await setup({ firmwareVersion: '2.1.0', bufSize: 1024 });
    const info = await controller.connect();
    expect(info).toMatchObject({
      ok: true,
      value: {
        firmwareVersion: '2.1.0',
        kioskGroup: true,
        smpVersion: 2,
        params: { bufSize: 1024, bufCount: 4 },
      },
    });
    expect(controller.client.requestLimit).toBe(1020);
  });

  it('reads status, sets the light, prints a receipt', async () => {
    const { controller, emulator } = await setup();
    await controller.connect();
    expect(await controller.setLight({ colour: 'green', pattern: 'blink' })).toEqual({
      ok: true,
      value: undefined,
    });
    const printed = await controller.printReceipt({
      lines: ['OGAS polling station 12', 'Tracking: ABCD-EFGH'],
      qr: 'https://ogas.example/r/ABCD',
    });
    expect(printed).toMatchObject({ ok: true, value: { duplicate: false } });
    const status = await controller.status();
    expect(status).toMatchObject({
      ok: true,
      value: {
        lid: 'closed',
        power: 'mains',
        printer: 'ready',
        light: { colour: 'green', pattern: 'blink' },
      },
    });
    expect(emulator.snapshot().kiosk.receipts).toEqual([
      {
        job: printed.ok ? printed.value.job : 0,
        lines: ['OGAS polling station 12', 'Tracking: ABCD-EFGH'],
        qr: 'https://ogas.example/r/ABCD',
      },
    ]);
  });

  it('does not print twice when the answer to a print is lost and the request is sent again', async () => {
    const { controller, emulator } = await setup({}, 200, 1000);
    await controller.connect();
    emulator.faults.dropNextAnswers(1, { group: 64, id: 1 });
    const printed = await controller.printReceipt({ lines: ['one copy only'] });
    expect(printed).toMatchObject({ ok: true, value: { duplicate: true } });
    expect(emulator.snapshot().kiosk.receipts).toHaveLength(1);
    expect(controller.client.errors.snapshot()['timeout']).toBeGreaterThanOrEqual(1);
  });

  it('refuses printing on a jammed printer with the reason, and a receipt over the limits before sending', async () => {
    const { controller, emulator } = await setup();
    await controller.connect();
    emulator.setPrinter('jammed');
    expect(await controller.printReceipt({ lines: ['x'] })).toMatchObject({
      ok: false,
      error: { kind: 'device-error', group: 64, rc: 3, name: 'PRINTER_JAMMED' },
    });
    const requests = emulator.snapshot().requests;
    expect(await controller.printReceipt({ lines: ['x'.repeat(65)] })).toMatchObject({
      ok: false,
      error: { message: 'receipt line 1 is longer than 64 bytes' },
    });
    expect(emulator.snapshot().requests).toBe(requests);
    expect(await controller.setLight({ colour: 'purple' as never, pattern: 'solid' })).toMatchObject({
      ok: false,
      error: { name: 'LIGHT_INVALID' },
    });
  });
});

describe('events by polling', () => {
  it('delivers a lid opening, and what happened before the kiosk connected', async () => {
    const { controller, emulator } = await setup();
    emulator.cutPower();
    const events = collect(controller);
    await controller.connect();
    emulator.openLid();
    await until(
      () => events.some((e) => e.kind === 'device' && e.event.type === 'tamper-opened'),
      'tamper event',
    );
    const types = events.flatMap((e) => (e.kind === 'device' ? [`${e.event.seq}:${e.event.type}`] : []));
    expect(types).toEqual(['1:power-lost', '2:tamper-opened']);
  });

  it('reports events that fell out of the ring as lost, then the rest in order', async () => {
    const { controller, emulator } = await setup();
    for (let i = 0; i < 20; i++) {
      emulator.openLid();
      emulator.closeLid();
    }
    const events = collect(controller);
    await controller.connect();
    await until(() => events.filter((e) => e.kind === 'device').length === 32, '32 events');
    expect(events[0]).toEqual({ kind: 'events-lost', count: 8 });
    const seqs = events.flatMap((e) => (e.kind === 'device' ? [e.event.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 9));
  });

  it('notices a controller restart and reads the new boot from its first event', async () => {
    const { controller, emulator } = await setup({ rebootMs: 30 });
    const events = collect(controller);
    await controller.connect();
    emulator.openLid();
    await until(() => events.some((e) => e.kind === 'device'), 'first event');
    emulator.reset();
    await new Promise((r) => setTimeout(r, 60));
    emulator.cutPower();
    await until(
      () => events.some((e) => e.kind === 'device' && e.event.type === 'power-lost'),
      'event after restart',
    );
    const kinds = events.map((e) => (e.kind === 'device' ? `${e.event.seq}:${e.event.type}` : e.kind));
    expect(kinds).toEqual(['1:tamper-opened', 'controller-restarted', '1:power-lost']);
  });
});

describe('faults on the line', () => {
  it('retries a corrupted answer at once and counts the CRC error', async () => {
    const { controller, emulator } = await setup({}, 5000, 1000);
    await controller.connect();
    emulator.faults.corruptNextAnswers(1, { group: 0, id: 0 });
    expect((await echo(controller.client, 'hello')).ok).toBe(true);
    expect(controller.client.errors.snapshot()).toMatchObject({ crc: 1 });
    expect(controller.client.errors.snapshot()['timeout']).toBeUndefined();
  });

  it('gives a clear error when the controller never answers, after its bounded tries', async () => {
    const { controller, emulator } = await setup({}, 150);
    await controller.connect();
    emulator.faults.dropNextAnswers(3, { group: 0, id: 0 });
    const r = await echo(controller.client, 'anyone?');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('timeout');
    expect(r.error.message).toMatch(
      /did not answer echo within 150 ms \(3 tries\): check that it is powered/,
    );
    expect((await echo(controller.client, 'back')).ok).toBe(true);
  });

  it('waits out a slow controller within the timeout, and times out beyond it', async () => {
    const { controller, emulator } = await setup({}, 200);
    await controller.connect();
    emulator.faults.setDelay(60);
    expect((await echo(controller.client, 'slow')).ok).toBe(true);
    emulator.faults.setDelay(400);
    const r = await controller.client.request({ op: 'write', group: 0, id: 0, body: { d: 'x' }, retries: 0 });
    expect(r).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('survives random frame loss on every answer', async () => {
    const { controller, emulator } = await setup({ seed: 7 }, 80);
    await controller.connect();
    emulator.faults.setFrameDropRate(0.3);
    let answered = 0;
    for (let i = 0; i < 10; i++)
      if (
        (await controller.client.request({ op: 'write', group: 0, id: 0, body: { d: `p${i}` }, retries: 6 }))
          .ok
      )
        answered++;
    expect(answered).toBe(10);
  });

  it('reports the link down and up when the controller is unplugged and plugged back', async () => {
    const { controller, emulator } = await setup();
    const events = collect(controller);
    await controller.connect();
    await emulator.disconnect(80);
    expect(await echo(controller.client, 'gone?')).toMatchObject({
      ok: false,
      error: { kind: 'disconnected' },
    });
    await until(() => events.some((e) => e.kind === 'link-up'), 'link up');
    expect(events.filter((e) => e.kind === 'link-down' || e.kind === 'link-up').map((e) => e.kind)).toEqual([
      'link-down',
      'link-up',
    ]);
    expect((await echo(controller.client, 'back')).ok).toBe(true);
    expect(controller.health()).toMatchObject({ state: 'connected', reconnects: 1 });
    expect(controller.client.errors.snapshot()).toMatchObject({ disconnect: 1 });
  });
});

describe('link health', () => {
  it('marks a silent controller unresponsive after two failed heartbeats, and responsive again', async () => {
    const r = await emulatedController({
      controller: { timeoutMs: 40, retries: 0, heartbeatMs: 30, eventPollMs: 10_000 },
    });
    opened.push(r.controller);
    const events = collect(r.controller);
    await r.controller.connect();
    r.emulator.faults.setDelay(200);
    await until(() => events.some((e) => e.kind === 'unresponsive'), 'unresponsive');
    expect(r.controller.health().state).toBe('unresponsive');
    r.emulator.faults.clear();
    await until(() => events.some((e) => e.kind === 'responsive'), 'responsive');
    expect(r.controller.health()).toMatchObject({ state: 'connected', heartbeatMs: 30 });
    expect(r.controller.health().sinceLastAnswerMs).not.toBeNull();
  });

  it('says plainly when the port does not exist', async () => {
    const { serialController } = await import('./controller-factory');
    const c = serialController({ path: '/dev/ogas-no-such-controller', reconnect: false });
    expect(await c.connect()).toEqual({
      ok: false,
      error: {
        kind: 'disconnected',
        message:
          '/dev/ogas-no-such-controller does not exist: is the controller plugged in, and is this the right port?',
      },
    });
    await c.close();
  });
});

describe('other controllers', () => {
  it('falls back to SMP version 1 with a device that refuses version 2', async () => {
    const { controller, emulator } = await setup({ supportsSmpV2: false });
    const info = await controller.connect();
    expect(info).toMatchObject({ ok: true, value: { smpVersion: 1 } });
    emulator.setPrinter('paper-out');
    // Version 1 carries only the legacy rc: EBADSTATE for a printer problem.
    expect(await controller.printReceipt({ lines: ['x'] })).toMatchObject({
      ok: false,
      error: { group: null, rc: 6, name: 'EBADSTATE' },
    });
  });

  it('treats a plain Zephyr/MCUboot device as "no kiosk group", not as a fault', async () => {
    const { controller } = await setup({ kioskGroup: false });
    expect(await controller.connect()).toMatchObject({ ok: true, value: { kioskGroup: false } });
    expect(await controller.status()).toMatchObject({ ok: false, error: { kind: 'not-supported' } });
    const d = await controller.diagnostics();
    expect(d.present).toBe(true);
    expect(d.selfTest.map((t) => [t.name, t.passed])).toEqual([
      ['echo', true],
      ['image list', true],
      ['kiosk status', false],
    ]);
    expect(d.identity?.model).toBe('Zephyr/MCUboot SMP device');
    expect(d.advice.join(' ')).toMatch(/Flash the OGAS controller firmware/);
  });
});

describe('diagnostics', () => {
  it('come from real exchanges: version, latency, error counts, self-test, advice', async () => {
    const { controller, emulator } = await setup({ firmwareVersion: '3.4.5' });
    await controller.connect();
    emulator.faults.corruptNextAnswers(1);
    emulator.openLid();
    const d = await controller.diagnostics();
    expect(d).toMatchObject({
      kind: 'peripheral-controller',
      id: 'controller',
      real: false,
      present: true,
      identity: { firmwareVersion: '3.4.5', model: 'OGAS enclosure controller' },
    });
    expect(d.selfTest.every((t) => t.passed)).toBe(true);
    expect(d.latency.samples).toBeGreaterThan(3);
    expect(d.latency.p50Ms).not.toBeNull();
    expect(d.errorCounts).toMatchObject({ crc: 1, timeout: 0, resync: 0, disconnect: 0 });
    expect(d.advice.join(' ')).toMatch(/lid is open/);
  });

  it('say "not present" with advice when nothing answers', async () => {
    const { controller, emulator } = await setup({}, 50, 1000);
    await controller.connect();
    emulator.faults.dropNextAnswers(100);
    const d = await controller.diagnostics();
    expect(d.present).toBe(false);
    expect(d.identity).toBeNull();
    expect(d.advice[0]).toMatch(/No answer/);
    expect(d.errorCounts['timeout']).toBeGreaterThanOrEqual(9);
  });
});
