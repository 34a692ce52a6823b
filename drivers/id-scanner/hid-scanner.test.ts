/**
 * The HID POS transport with its node-hid backend replaced by one that replays recorded reports
 * (this machine has no /dev/uhid, so no virtual HID device can be made): device selection, keyboard-
 * wedge refusal with advice, reassembly into documents, unplug, diagnostics.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HID_POS_LAYOUTS } from './framing/hid-pos';
import { findHidReaders, type HidDeviceInfo } from './hid-devices';
import {
  createHidScanner,
  listHidReaders,
  nodeHidBackend,
  type HidBackend,
  type HidReportSource,
} from './hid-scanner';
import type { IdScanner, ScannerEventName, ScannerEvents } from './scanner';

const recorded = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Buffer.from(l, 'hex'));

const POS: HidDeviceInfo = {
  vendorId: 0x0c2e,
  productId: 0x0b87,
  path: '/dev/hidraw3',
  manufacturer: 'Honeywell',
  product: 'Xenon 1902',
  release: 0x0100,
  interface: 0,
  usagePage: 0x8c,
  usage: 0x02,
};
const WEDGE: HidDeviceInfo = {
  ...POS,
  productId: 0x0b01,
  path: '/dev/hidraw4',
  usagePage: 0x01,
  usage: 0x06,
};
const KEYBOARD: HidDeviceInfo = {
  vendorId: 0x046d,
  productId: 0xc31c,
  path: '/dev/hidraw5',
  product: 'USB Keyboard',
  usagePage: 0x01,
  usage: 0x06,
};

/** A HID backend whose open device is an EventEmitter the test drives. */
function fakeBackend(devices: readonly HidDeviceInfo[]) {
  const opened: (EventEmitter & HidReportSource & { closed: boolean })[] = [];
  const backend: HidBackend = {
    devices: () => Promise.resolve(devices),
    open: (path) => {
      if (!devices.some((d) => d.path === path)) return Promise.reject(new Error(`cannot open ${path}`));
      const source = Object.assign(new EventEmitter(), {
        closed: false,
        close(this: { closed: boolean }) {
          this.closed = true;
        },
      });
      opened.push(source);
      return Promise.resolve(source);
    },
  };
  return { backend, opened };
}

function next<K extends ScannerEventName>(s: IdScanner, event: K): Promise<ScannerEvents[K]> {
  return new Promise((resolve) => {
    const off = s.on(event, (e) => {
      off();
      resolve(e);
    });
  });
}

const clock = () => new Date('2026-03-01T00:00:00Z');

describe('HID POS scanner (recorded reports)', () => {
  it('opens the HID POS interface by vendor/product id and reassembles recorded reports', async () => {
    const { backend, opened } = fakeBackend([WEDGE, POS, KEYBOARD]);
    const scanner = createHidScanner({ vendorId: 0x0c2e, productId: 0x0b87, backend, clock });
    expect(await scanner.start()).toEqual({ ok: true, value: undefined });
    const doc = next(scanner, 'document');
    for (const report of recorded('hid-pos-us-va-v10.hex')) opened[0]!.emit('data', report);
    const scan = await doc;
    expect(scan.symbology).toBe(']L0');
    expect(scan.result).toMatchObject({
      ok: true,
      value: { issuingState: 'USA-VA', documentNumber: 'T16700185' },
    });

    const diag = await scanner.diagnostics();
    expect(diag.identity).toMatchObject({
      vendorId: '0c2e',
      productId: '0b87',
      path: '/dev/hidraw3',
      manufacturer: 'Honeywell',
      model: 'Xenon 1902',
    });
    expect(diag.selfTest.map((t) => [t.name, t.passed])).toEqual([
      ['device-open', true],
      ['read-test', true],
    ]);
    // The same reader's other interface is in keyboard mode: the technician is told how to switch it.
    expect(diag.advice.join('\n')).toMatch(
      /Xenon 1902 \(0c2e:0b01\) is in keyboard \(HID keyboard wedge\) mode.*USB HID POS/,
    );
    await scanner.stop();
    expect(opened[0]!.closed).toBe(true);
  });

  it('reads a symbology-first reader by path', async () => {
    const { backend, opened } = fakeBackend([POS]);
    const scanner = createHidScanner({
      path: '/dev/hidraw3',
      layout: HID_POS_LAYOUTS['symbology-first'],
      backend,
      clock,
    });
    await scanner.start();
    const doc = next(scanner, 'document');
    for (const report of recorded('hid-pos-td3-symbology-first.hex')) opened[0]!.emit('data', report);
    expect((await doc).result).toMatchObject({ ok: true, value: { format: 'mrz-td3', valid: true } });
    await scanner.stop();
  });

  it('refuses a reader in keyboard-wedge mode, saying how to switch it', async () => {
    const { backend, opened } = fakeBackend([WEDGE]);
    const scanner = createHidScanner({ path: '/dev/hidraw4', backend });
    const r = await scanner.start();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(
      /keyboard \(HID keyboard wedge\) mode: it types into whatever has focus.*"USB HID POS"/,
    );
    expect(opened).toHaveLength(0);
  });

  it('says what to do when the interface is not HID POS, or the system does not tell', async () => {
    const other: HidDeviceInfo = { ...POS, usagePage: 0xff00, usage: 1 };
    const a = await createHidScanner({ vendorId: 0x0c2e, backend: fakeBackend([other]).backend }).start();
    expect(!a.ok && a.error).toMatch(
      /has no HID POS interface \(usage page 0x8C\): switch the reader to HID POS mode/,
    );
    const bare: HidDeviceInfo = { vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw9' };
    const b = await createHidScanner({ vendorId: 0x0c2e, backend: fakeBackend([bare]).backend }).start();
    expect(!b.ok && b.error).toMatch(/configure it by its hidraw path/);
    const byPath = createHidScanner({ path: '/dev/hidraw9', backend: fakeBackend([bare]).backend });
    expect(await byPath.start()).toEqual({ ok: true, value: undefined });
    await byPath.stop();
  });

  it('says when the reader is not connected', async () => {
    const { backend } = fakeBackend([KEYBOARD]);
    const r = await createHidScanner({ vendorId: 0x05e0, backend }).start();
    expect(r).toEqual({ ok: false, error: 'no HID reader 05e0:0000 is connected' });
  });

  it('ends with a disconnect when the device reports a read error (unplugged)', async () => {
    const { backend, opened } = fakeBackend([POS]);
    const scanner = createHidScanner({ path: '/dev/hidraw3', backend });
    await scanner.start();
    const gone = next(scanner, 'disconnected');
    const error = next(scanner, 'error');
    opened[0]!.emit('error', new Error('could not read from HID device'));
    expect((await gone).reason).toMatch(/went away \(could not read from HID device\): reconnect it/);
    expect((await error).kind).toBe('disconnect');
    expect(opened[0]!.closed).toBe(true);
    expect((await scanner.diagnostics()).present).toBe(false);
  });

  it('lists readers by mode, leaving ordinary keyboards alone', async () => {
    const { backend } = fakeBackend([POS, WEDGE, KEYBOARD]);
    expect((await listHidReaders(backend)).map((r) => [r.mode, r.device.path])).toEqual([
      ['hid-pos', '/dev/hidraw3'],
      ['keyboard-wedge', '/dev/hidraw4'],
    ]);
    expect(findHidReaders([{ ...KEYBOARD, product: 'Barcode Scanner' }]).map((r) => r.mode)).toEqual([
      'keyboard-wedge',
    ]);
  });

  it('the real node-hid backend lists devices on this machine without failing', async () => {
    const devices = await nodeHidBackend.devices();
    expect(Array.isArray(devices)).toBe(true);
  });
});
