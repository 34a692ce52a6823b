/**
 * The real serialport transport over a socat pseudo-terminal pair (DESIGN §1), with the emulated reader
 * on the far end, for each framing: documents, a framing error, SSI checksum recovery and commands,
 * diagnostics, and the reader unplugged (socat killed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmulatedReaderPort, type EmulatedReaderPort } from './emulator/emulated-reader-port';
import type { DocumentScan, IdScanner, ScannerEventName, ScannerEvents } from './scanner';
import { createSerialScanner } from './serial-scanner';
import type { SerialFraming } from './serial-protocol';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const TD1 = fixture('td1-uto-specimen.mrz');
const CA_ON = fixture('ca-on-v08-dl.aamva');
const VA = fixture('us-va-v10-dl.aamva');
const clock = () => new Date('2026-03-01T00:00:00Z');

interface PtyPair {
  readonly host: string;
  readonly device: string;
  readonly socat: ChildProcess;
  readonly dir: string;
}

async function startPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'ogas-idscan-'));
  const host = join(dir, 'host');
  const device = join(dir, 'device');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${device}`], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 250 && !(existsSync(host) && existsSync(device)); i++)
    await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(host) || !existsSync(device))
    throw new Error('socat did not create the pseudo-terminal pair');
  return { host, device, socat, dir };
}

const exited = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;

/** Kills socat by its pid (if it still runs) and waits for it, then removes the links' folder. */
async function stopPtyPair(pair: PtyPair): Promise<void> {
  if (!exited(pair.socat)) {
    const gone = new Promise((r) => pair.socat.once('exit', r));
    process.kill(pair.socat.pid!, 'SIGTERM');
    await gone;
  }
  rmSync(pair.dir, { recursive: true, force: true });
}

/** The next `event` from the scanner, or a rejection after `ms`. */
function next<K extends ScannerEventName>(
  scanner: IdScanner,
  event: K,
  ms = 5000,
): Promise<ScannerEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event within ${ms} ms`));
    }, ms);
    const off = scanner.on(event, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

const parsed = (scan: DocumentScan) => (scan.result.ok ? scan.result.value : scan.result.error.message);

describe('serial scanner over a socat pty pair', () => {
  let pair: PtyPair;
  let reader: EmulatedReaderPort | null = null;
  let scanner: IdScanner | null = null;

  beforeEach(async () => {
    pair = await startPtyPair();
  });

  afterEach(async () => {
    await scanner?.stop();
    await reader?.close();
    scanner = null;
    reader = null;
    await stopPtyPair(pair);
  });

  async function connect(framing: SerialFraming, options: { lineDelayMs?: number } = {}) {
    const opened = await openEmulatedReaderPort(pair.device, framing, options);
    if (!opened.ok) throw new Error(opened.error);
    reader = opened.value;
    scanner = createSerialScanner({
      path: pair.host,
      framing,
      clock,
      // A long inter-line timeout: a loaded CI machine must not split an MRZ sent line by line.
      lines: { interByteTimeoutMs: 200, interLineTimeoutMs: 2000 },
      stxEtx: { interByteTimeoutMs: 200 },
    });
    const started = await scanner.start();
    expect(started).toEqual({ ok: true, value: undefined });
    return { reader: opened.value, scanner };
  }

  it('lines: groups MRZ lines sent with pauses, reads AAMVA by its length, recovers from a framing error', async () => {
    const { reader, scanner } = await connect('lines', { lineDelayMs: 30 });
    let doc = next(scanner, 'document');
    reader.device.present(TD1);
    expect(parsed(await doc)).toMatchObject({ format: 'mrz-td1', documentNumber: 'D23145890', valid: true });
    doc = next(scanner, 'document');
    reader.device.present(CA_ON);
    const scan = await doc;
    expect(parsed(scan)).toMatchObject({ format: 'aamva', issuingState: 'CAN-ON', birthDate: '1990-04-23' });
    expect(scan.raw).toEqual(CA_ON);
    expect(scan.purpose).toBe('scan');

    const error = next(scanner, 'error');
    reader.device.sendRaw(new TextEncoder().encode('@\nX broken header\r\n'));
    expect(await error).toEqual({
      kind: 'framing',
      message: 'AAMVA header: header byte 2 must be the record separator (RS) 0x1e, found 0x58',
    });
    await new Promise((r) => setTimeout(r, 300)); // the quiet line that ends resynchronisation
    doc = next(scanner, 'document');
    reader.device.present(VA);
    expect(parsed(await doc)).toMatchObject({ issuingState: 'USA-VA' });

    const diag = await scanner.diagnostics();
    expect(diag).toMatchObject({
      kind: 'id-scanner',
      real: true,
      present: true,
      errorCounts: { framing: 1 },
    });
    expect(diag.identity).toMatchObject({ path: pair.host, description: `lines reader on ${pair.host}` });
    expect(diag.selfTest.map((t) => [t.name, t.passed])).toEqual([
      ['port-open', true],
      ['read-test', true],
    ]);
    expect(diag.latency.samples).toBe(3);
  });

  it('lines: the read test waits for a presented document and marks it self-test', async () => {
    const { reader, scanner } = await connect('lines');
    const doc = next(scanner, 'document');
    setTimeout(() => reader.device.present(TD1), 100);
    const diag = await scanner.diagnostics({ readTestTimeoutMs: 4000 });
    expect(diag.selfTest.find((t) => t.name === 'read-test')).toMatchObject({
      passed: true,
      detail: 'read a mrz-td1 document',
    });
    expect((await doc).purpose).toBe('self-test');
  });

  it('stx-etx: reads both kinds of document and reports bytes outside a frame', async () => {
    const { reader, scanner } = await connect('stx-etx');
    let doc = next(scanner, 'document');
    reader.device.present(VA);
    expect(parsed(await doc)).toMatchObject({ format: 'aamva', documentNumber: 'T16700185' });
    const error = next(scanner, 'error');
    reader.device.sendRaw(new TextEncoder().encode('noise'));
    expect(await error).toEqual({ kind: 'framing', message: 'bytes arrived outside an STX...ETX frame' });
    doc = next(scanner, 'document');
    reader.device.present(TD1);
    expect(parsed(await doc)).toMatchObject({ format: 'mrz-td1' });
  });

  it('ssi: scan enable at start, revision in diagnostics, multipacket AAMVA, NAK RESEND recovery, scan disable at stop', async () => {
    const { reader, scanner } = await connect('ssi');
    expect(reader.device.scanning).toBe(true);
    const diag = await scanner.diagnostics();
    expect(diag.identity?.firmwareVersion).toBe('EMU-SSI-1.0 F 0x55 0000');
    expect(diag.selfTest.find((t) => t.name === 'ssi-revision')).toMatchObject({ passed: true });

    let doc = next(scanner, 'document');
    reader.device.present(VA);
    const scan = await doc;
    expect(scan.symbology).toBe('PDF417');
    expect(scan.raw).toEqual(VA);

    const checksum = next(scanner, 'error');
    doc = next(scanner, 'document');
    reader.device.corruptNext(1);
    reader.device.present(TD1);
    expect(await checksum).toEqual({
      kind: 'checksum',
      message: 'SSI DECODE_DATA packet checksum does not match',
    });
    expect(parsed(await doc)).toMatchObject({ format: 'mrz-td1', valid: true });

    await scanner.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(reader.device.scanning).toBe(false);
  });

  it('a reader unplugged (socat killed) ends with one disconnect error and a disconnected event', async () => {
    const { reader, scanner } = await connect('lines');
    const doc = next(scanner, 'document');
    reader.device.present(TD1);
    await doc;
    const gone = next(scanner, 'disconnected');
    const error = next(scanner, 'error');
    const socatGone = new Promise((r) => pair.socat.once('exit', r));
    process.kill(pair.socat.pid!, 'SIGKILL');
    await socatGone;
    expect((await gone).reason).toMatch(/went away \(unplugged, or its port was closed\): reconnect it/);
    expect((await error).kind).toBe('disconnect');
    const diag = await scanner.diagnostics();
    expect(diag.present).toBe(false);
    expect(diag.errorCounts).toEqual({ disconnect: 1 });
    expect(diag.advice.join(' ')).toMatch(/connect the reader to/);
  });

  it('diagnostics notice a device node that vanished before any read saw the hangup', async () => {
    const { scanner } = await connect('stx-etx');
    const gone = next(scanner, 'disconnected');
    const socatGone = new Promise((r) => pair.socat.once('exit', r));
    process.kill(pair.socat.pid!, 'SIGKILL');
    await socatGone;
    const diag = await scanner.diagnostics();
    expect(diag.present).toBe(false);
    expect((await gone).reason).toMatch(/went away/);
    expect(diag.errorCounts['disconnect']).toBe(1);
  });

  it('says what is wrong when the port does not exist', async () => {
    const missing = createSerialScanner({ path: join(pair.dir, 'nothing'), framing: 'lines' });
    const r = await missing.start();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/no serial device at .*nothing: is the reader plugged in/);
  });
});
