import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentScan, ScannerEventName, ScannerEvents } from '../scanner';
import {
  createEmulatedScanner,
  SPECIMEN_PASSPORT_MRZ,
  type EmulatedFraming,
  type EmulatedScanner,
} from './emulated-scanner';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const clock = () => new Date('2026-03-01T00:00:00Z');

function next<K extends ScannerEventName>(
  s: EmulatedScanner,
  event: K,
  ms = 3000,
): Promise<ScannerEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    const off = s.on(event, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

const FRAMINGS: readonly EmulatedFraming[] = ['lines', 'stx-etx', 'ssi', 'hid-pos'];

describe.each(FRAMINGS)('emulated %s scanner', (framing) => {
  let scanner: EmulatedScanner;
  afterEach(async () => scanner.stop());

  it('reads presented documents through the real decoders, and passes its diagnostics', async () => {
    scanner = createEmulatedScanner({ framing, clock });
    const connected = next(scanner, 'connected');
    expect(await scanner.start()).toEqual({ ok: true, value: undefined });
    expect((await connected).description).toBe(`emulated ${framing} reader`);

    let doc: Promise<DocumentScan> = next(scanner, 'document');
    expect(scanner.present(SPECIMEN_PASSPORT_MRZ)).toBe(true);
    expect((await doc).result).toMatchObject({ ok: true, value: { format: 'mrz-td3', valid: true } });
    doc = next(scanner, 'document');
    scanner.present(fixture('us-ca-v08-dl.aamva'));
    const scan = await doc;
    expect(scan.result).toMatchObject({
      ok: true,
      value: { issuingState: 'USA-CA', documentNumber: 'I1234568' },
    });
    expect(scan.purpose).toBe('scan');

    const diag = await scanner.diagnostics();
    expect(diag).toMatchObject({
      kind: 'id-scanner',
      id: `scanner-emulated-${framing}`,
      real: false,
      present: true,
    });
    expect(diag.selfTest.every((t) => t.passed)).toBe(true);
    expect(diag.selfTest.map((t) => t.name)).toEqual(
      framing === 'ssi' ? ['ssi-revision', 'read-test'] : ['read-test'],
    );
    expect(diag.latency.samples).toBeGreaterThanOrEqual(3);
  });

  it('refuses a document it cannot read with the reason, and counts it', async () => {
    scanner = createEmulatedScanner({ framing, clock });
    await scanner.start();
    const doc = next(scanner, 'document');
    scanner.present('NOT AN IDENTITY DOCUMENT');
    const scan = await doc;
    expect(scan.result.ok).toBe(false);
    expect(!scan.result.ok && scan.result.error.message).toMatch(/not an identity document/);
    expect((await scanner.diagnostics()).errorCounts['parse']).toBe(1);
  });

  it('unplugged: a disconnect error and event, then nothing is read', async () => {
    scanner = createEmulatedScanner({ framing, clock });
    await scanner.start();
    const gone = next(scanner, 'disconnected');
    scanner.unplug();
    expect((await gone).reason).toMatch(/unplugged/);
    expect(scanner.present(SPECIMEN_PASSPORT_MRZ)).toBe(false);
    const diag = await scanner.diagnostics();
    expect(diag).toMatchObject({ present: false, errorCounts: { disconnect: 1 } });
    expect(diag.selfTest[0]).toMatchObject({ passed: false });
  });
});

describe('emulated SSI scanner', () => {
  it('stops reading when the host disables scanning', async () => {
    const scanner = createEmulatedScanner({ framing: 'ssi', clock });
    await scanner.start();
    const device = scanner.device!;
    expect(device.scanning).toBe(true);
    await scanner.stop();
    expect(device.scanning).toBe(false);
    expect(scanner.present(SPECIMEN_PASSPORT_MRZ)).toBe(false);
  });
});
