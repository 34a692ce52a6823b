/**
 * The emulator's parts on their own: the SMP server's answers (Zephyr smp.c conventions), the image
 * slots' MCUboot state transitions, the enclosure model's events, and the console commands.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../protocol/bytes';
import { sha256 } from '../../protocol/hash';
import { buildMcubootImage } from '../mcuboot-image';
import { SMP_OP, SMP_VERSION } from '../smp-header';
import type { SmpMessage } from '../smp-packet';
import { ControllerEmulator } from './controller-emulator';
import { runConsoleCommand } from './console-commands';
import { IMG_ERR, ImageStore } from './image-store';
import { KioskDeviceModel } from './kiosk-device-model';
import { SmpServer } from './smp-server';

function server(kioskGroup = true) {
  const images = new ImageStore({ version: '1.0.0', hash: sha256(fromHex('00')), valid: true }, 64 * 1024);
  let t = 0;
  const kiosk = new KioskDeviceModel(() => (t += 5), 7);
  return {
    s: new SmpServer({ kioskGroup, supportsSmpV2: true, bufSize: 1024, bufCount: 2 }, images, kiosk),
    kiosk,
    images,
  };
}

const req = (
  group: number,
  id: number,
  op: 0 | 2,
  body: Record<string, unknown> = {},
  version: 0 | 1 = 1,
): SmpMessage => ({
  header: { op, version, flags: 0, length: 0, group, seq: 9, id },
  body,
});

describe('SMP server answers', () => {
  it('answers with op + 1, the same seq, group and id, in the request version', () => {
    const a = server().s.handle(req(0, 0, SMP_OP.write, { d: 'hi' }));
    expect(a).toEqual({
      response: {
        op: SMP_OP.writeResponse,
        version: SMP_VERSION.v2,
        group: 0,
        seq: 9,
        id: 0,
        body: { r: 'hi' },
      },
      thenReset: false,
    });
  });
  it('says ENOTSUP (rc 8) for an unknown group, command or op, and for group 64 on a plain device', () => {
    const { s } = server(false);
    expect(s.handle(req(9, 0, 0))?.response.body).toEqual({ rc: 8 });
    expect(s.handle(req(0, 42, 0))?.response.body).toEqual({ rc: 8 });
    expect(s.handle(req(0, 6, 2))?.response.body).toEqual({ rc: 8 });
    expect(s.handle(req(64, 0, 0))?.response.body).toEqual({ rc: 8 });
  });
  it('says EINVAL (rc 3) for a body it cannot use', () => {
    expect(server().s.handle(req(0, 0, 2, { d: 5 }))?.response.body).toEqual({ rc: 3 });
  });
  it('reports group errors as err {group, rc} to version 2 and as the legacy rc to version 1', () => {
    const { s, kiosk } = server();
    kiosk.setPrinter('offline');
    const print = { job: 1, lines: ['x'] };
    expect(s.handle(req(64, 1, 2, print, 1))?.response.body).toEqual({ err: { group: 64, rc: 5 } });
    expect(s.handle(req(64, 1, 2, print, 0))?.response.body).toEqual({ rc: 6 });
    expect(s.handle(req(1, 0, 2, { hash: new Uint8Array(32), confirm: false }, 1))?.response.body).toEqual({
      err: { group: 1, rc: IMG_ERR.hashNotFound },
    });
  });
  it('asks for a reset only after a successful reset command, and ignores responses', () => {
    const { s } = server();
    expect(s.handle(req(0, 5, 2))?.thenReset).toBe(true);
    expect(s.handle({ ...req(0, 0, 0), header: { ...req(0, 0, 0).header, op: 1 } })).toBeNull();
  });
  it('replaces an answer larger than its buffer with EMSGSIZE (rc 7)', async () => {
    const { emulatedController } = await import('../controller-factory');
    const { readEvents } = await import('../kiosk-group');
    const { controller, emulator } = await emulatedController({
      emulator: { bufSize: 128 },
      controller: { timeoutMs: 200 },
    });
    for (let i = 0; i < 10; i++) {
      emulator.openLid();
      emulator.closeLid();
    }
    await controller.client.open();
    expect(await readEvents(controller.client, 0, 16)).toMatchObject({
      ok: false,
      error: { rc: 7, name: 'EMSGSIZE' },
    });
    await controller.close();
  });
});

describe('image slots (MCUboot test/confirm/revert)', () => {
  const file = buildMcubootImage({ major: 2, minor: 0, revision: 0, build: 0 }, new Uint8Array(100));
  const upload = (store: ImageStore) =>
    store.upload({ off: 0, len: file.length, sha: sha256(file), data: file });
  const fresh = () => new ImageStore({ version: '1.0.0', hash: sha256(fromHex('01')), valid: true }, 4096);
  const flags = (store: ImageStore) =>
    store
      .list()
      .map(
        (i) =>
          `${i['version'] as string}:${['pending', 'confirmed', 'active', 'permanent'].filter((f) => i[f] === true).join('+')}`,
      );

  const table: [string, (s: ImageStore, hash: Uint8Array) => void, string[]][] = [
    ['after upload', () => undefined, ['1.0.0:confirmed+active', '2.0.0:']],
    ['marked for test', (s, h) => s.setState(h, false), ['1.0.0:confirmed+active', '2.0.0:pending']],
    [
      'marked permanent',
      (s, h) => s.setState(h, true),
      ['1.0.0:confirmed+active', '2.0.0:pending+permanent'],
    ],
    ['test, reset', (s, h) => (s.setState(h, false), s.reboot()), ['2.0.0:active', '1.0.0:confirmed']],
    [
      'test, reset, confirm',
      (s, h) => (s.setState(h, false), s.reboot(), s.setState(undefined, true)),
      ['2.0.0:confirmed+active', '1.0.0:'],
    ],
    [
      'test, reset, reset (revert)',
      (s, h) => (s.setState(h, false), s.reboot(), s.reboot()),
      ['1.0.0:confirmed+active', '2.0.0:'],
    ],
    ['permanent, reset', (s, h) => (s.setState(h, true), s.reboot()), ['2.0.0:confirmed+active', '1.0.0:']],
  ];
  it.each(table)('%s', (_name, act, expected) => {
    const s = fresh();
    expect(upload(s)).toEqual({ ok: true, value: { off: file.length, match: true } });
    act(s, s.list()[1]!['hash'] as Uint8Array);
    expect(flags(s)).toEqual(expected);
  });
  it('refuses what img_mgmt refuses', () => {
    const s = fresh();
    expect(s.upload({ off: 0, len: 10, data: new Uint8Array(10) })).toEqual({
      ok: false,
      error: IMG_ERR.invalidImageHeader,
    });
    expect(s.upload({ off: 0, len: 40, data: new Uint8Array(40) })).toEqual({
      ok: false,
      error: IMG_ERR.invalidImageHeaderMagic,
    });
    expect(s.upload({ off: 0, data: file })).toEqual({ ok: false, error: IMG_ERR.invalidLength });
    expect(s.upload({ off: 0, len: 8192, data: file })).toEqual({ ok: false, error: IMG_ERR.tooLarge });
    expect(s.upload({ off: 0, len: file.length, data: file, upgrade: true })).toMatchObject({ ok: true });
    expect(s.setState(s.list()[0]!['hash'] as Uint8Array, false)).toEqual({
      ok: false,
      error: IMG_ERR.testToActiveDenied,
    });
  });
  it('answers the expected offset to a chunk sent at another, and reports a hash mismatch', () => {
    const s = fresh();
    expect(s.upload({ off: 0, len: file.length, sha: sha256(file), data: file.subarray(0, 64) })).toEqual({
      ok: true,
      value: { off: 64 },
    });
    expect(s.upload({ off: 100, data: file.subarray(100, 120) })).toEqual({ ok: true, value: { off: 64 } });
    expect(s.upload({ off: 0, len: file.length, sha: sha256(file), data: file.subarray(0, 64) })).toEqual({
      ok: true,
      value: { off: 64 },
    });
    const wrong = Uint8Array.from(file);
    wrong[120] = wrong[120]! ^ 1;
    expect(s.upload({ off: 64, data: wrong.subarray(64) })).toEqual({
      ok: true,
      value: { off: file.length, match: false },
    });
    expect(s.list()).toHaveLength(1);
  });
});

describe('enclosure model', () => {
  it('raises each event once per change, battery-low once per crossing, numbering from 1 at each boot', () => {
    const m = new KioskDeviceModel(() => 0, 1);
    m.openLid();
    m.openLid();
    m.setBattery(50);
    m.setBattery(15);
    m.setBattery(10);
    m.setBattery(80);
    m.setBattery(19);
    m.setPrinter('paper-out');
    m.setPrinter('ready');
    expect(m.events(0, 16).events.map((e) => `${e.seq}:${e.type}`)).toEqual([
      '1:tamper-opened',
      '2:battery-low',
      '3:battery-low',
      '4:printer-paper-out',
      '5:printer-ready',
    ]);
    m.reboot(2);
    m.closeLid();
    expect(m.events(0, 16)).toMatchObject({
      boot: 2,
      last: 1,
      lost: 0,
      events: [{ seq: 1, type: 'tamper-closed' }],
    });
    expect(m.status()).toMatchObject({ tamper: 1, lid: 'closed', battery: 19, charging: true });
  });
  it('pages events with max and after', () => {
    const m = new KioskDeviceModel(() => 0, 1);
    for (let i = 0; i < 5; i++) m.setPrinter(i % 2 === 0 ? 'jammed' : 'ready');
    expect(m.events(0, 2).events.map((e) => e.seq)).toEqual([1, 2]);
    expect(m.events(2, 2).events.map((e) => e.seq)).toEqual([3, 4]);
    expect(m.events(4, undefined)).toMatchObject({ last: 5, events: [{ seq: 5 }] });
  });
});

describe('console commands', () => {
  it('drive the emulator and refuse what they do not understand', () => {
    const e = new ControllerEmulator();
    expect(runConsoleCommand(e, 'lid open')).toEqual({ ok: true, value: 'lid open' });
    expect(runConsoleCommand(e, 'power cut')).toEqual({ ok: true, value: 'power battery' });
    expect(runConsoleCommand(e, 'battery 12')).toEqual({ ok: true, value: 'battery 12 %' });
    expect(runConsoleCommand(e, 'printer jammed')).toEqual({ ok: true, value: 'printer jammed' });
    expect(runConsoleCommand(e, 'fault drop 2')).toEqual({ ok: true, value: 'dropping the next 2 answers' });
    expect(e.faults.settings()).toMatchObject({ dropAnswers: 2 });
    expect(runConsoleCommand(e, 'fault frames 0.5').ok).toBe(true);
    expect(runConsoleCommand(e, '')).toEqual({ ok: true, value: '' });
    expect(JSON.parse((runConsoleCommand(e, 'status') as { value: string }).value)).toMatchObject({
      kiosk: { lid: 'open', power: 'battery', battery: 12, printer: 'jammed' },
    });
    expect(runConsoleCommand(e, 'battery 101')).toEqual({
      ok: false,
      error: 'battery must be a whole number from 0 to 100',
    });
    expect(runConsoleCommand(e, 'lid ajar')).toEqual({ ok: false, error: 'lid open or lid close' });
    expect(runConsoleCommand(e, 'fault frames 2').ok).toBe(false);
    expect(runConsoleCommand(e, 'dance')).toEqual({ ok: false, error: 'unknown command "dance"; type help' });
    expect(runConsoleCommand(e, 'lid open now')).toMatchObject({ ok: false });
  });
});
