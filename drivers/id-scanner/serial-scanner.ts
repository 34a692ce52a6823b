/**
 * Serial document readers (RS-232, or USB CDC-ACM "virtual COM port" mode) through `serialport`, with
 * the framing the reader is set to: plain lines, STX/ETX frames, or Zebra SSI packets (serial-protocol.ts).
 * With SSI the reader is switched on with SCAN_ENABLE at start and off with SCAN_DISABLE at stop, and
 * its REPLY_REVISION gives the firmware version and the diagnostics round trip.
 *
 * A reader that goes away (unplugged; in tests the socat pseudo-terminal pair killed) ends with one
 * `disconnect` error and a `disconnected` event; commands waiting for it fail at once.
 */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { err, ok, type Result } from '../../protocol/result';
import type { DeviceDiagnostics, DeviceIdentity, SelfTestResult } from '../diagnostics';
import { SSI_OPCODE } from './framing/ssi-packet';
import { ProtocolRunner } from './protocol-runner';
import type { DiagnosticsOptions, IdScanner, ScannerEventName, ScannerEvents } from './scanner';
import { monotonicNow, ScannerCore, type ScannerCoreOptions } from './scanner-core';
import { createSerialProtocol, type SerialFraming, type SerialProtocolOptions } from './serial-protocol';

export interface SerialScannerOptions extends ScannerCoreOptions, SerialProtocolOptions {
  readonly path: string;
  readonly framing: SerialFraming;
  /** Default 9600, the factory setting of most readers. */
  readonly baudRate?: number;
  readonly id?: string;
}

/** What SerialPort.list() tells about a port (its PortInfo). */
interface ListedPort {
  readonly path: string;
  readonly manufacturer: string | undefined;
  readonly serialNumber: string | undefined;
  readonly productId: string | undefined;
  readonly vendorId: string | undefined;
}

function openFailure(path: string, e: Error): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (/ENOENT|no such file/i.test(`${code} ${e.message}`))
    return `no serial device at ${path}: is the reader plugged in and in serial mode?`;
  if (/EACCES|permission/i.test(`${code} ${e.message}`))
    return `permission denied on ${path}: the kiosk user needs the dialout group`;
  if (/EBUSY|lock/i.test(`${code} ${e.message}`)) return `${path} is in use by another program`;
  return `could not open ${path}: ${e.message}`;
}

class SerialIdScanner implements IdScanner {
  readonly transport = 'serial' as const;
  readonly id: string;
  private readonly core: ScannerCore;
  private port: SerialPort | null = null;
  private runner: ProtocolRunner | null = null;
  private stopping = false;
  private revision: string | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: SerialScannerOptions) {
    this.id =
      options.id ?? `scanner-serial-${options.path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    this.core = new ScannerCore(options);
  }

  on<K extends ScannerEventName>(event: K, listener: (e: ScannerEvents[K]) => void): () => void {
    return this.core.on(event, listener);
  }

  async start(): Promise<Result<void, string>> {
    if (this.port?.isOpen) return ok(undefined);
    this.stopping = false;
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 9600,
      autoOpen: false,
    });
    const opened = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (opened) {
      const message = openFailure(this.options.path, opened);
      this.core.error('io', message);
      return err(message);
    }
    this.port = port;
    const runner = new ProtocolRunner(
      createSerialProtocol(this.options.framing, this.options),
      this.core,
      (bytes) => this.write(port, bytes),
    );
    this.runner = runner;
    port.on('data', (chunk: Buffer) =>
      runner.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    );
    port.on('error', (e: Error) => this.core.error('io', `serial port ${this.options.path}: ${e.message}`));
    port.on('close', () => this.onClose(port, runner));
    this.watchdog = setInterval(() => this.checkDeviceNode(), 1000);
    this.watchdog.unref();
    this.core.emit('connected', { description: this.describe() });
    if (this.options.framing === 'ssi') return this.startSsi(runner);
    return ok(undefined);
  }

  private async startSsi(runner: ProtocolRunner): Promise<Result<void, string>> {
    const enabled = await runner.command(SSI_OPCODE.SCAN_ENABLE);
    if (!enabled.ok) {
      await this.stop();
      return err(
        `the reader on ${this.options.path} did not accept SCAN_ENABLE (${enabled.error}): is it set to SSI?`,
      );
    }
    const revision = await runner.command(SSI_OPCODE.REQUEST_REVISION);
    if (revision.ok && revision.value) this.revision = new TextDecoder().decode(revision.value.data).trim();
    return ok(undefined);
  }

  async stop(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.stopping = true;
    if (this.options.framing === 'ssi' && port.isOpen && this.runner) {
      // Best effort: a reader that does not answer is closed anyway.
      const disabled = await this.runner.command(SSI_OPCODE.SCAN_DISABLE);
      if (!disabled.ok) this.core.error('timeout', `SCAN_DISABLE at stop: ${disabled.error}`);
    }
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.runner?.close('the scanner was stopped');
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.port = null;
    this.runner = null;
  }

  private write(port: SerialPort, bytes: Uint8Array): void {
    port.write(Buffer.from(bytes), (e) => {
      if (e) this.core.error('io', `writing to ${this.options.path}: ${e.message}`);
    });
  }

  /**
   * A device node that vanished (USB reader unplugged, pty torn down) means the reader is gone, even
   * when the port has not reported the hangup: serialport can miss a hangup that comes between two
   * reads. Checked every second while running, and by diagnostics.
   */
  private checkDeviceNode(): void {
    if (!this.port?.isOpen || !this.runner || existsSync(this.options.path)) return;
    const port = this.port;
    this.onClose(port, this.runner);
    port.close(() => undefined);
  }

  private onClose(port: SerialPort, runner: ProtocolRunner): void {
    runner.close(`the reader on ${this.options.path} went away`);
    if (this.port !== port) return; // already handled (stopped, or noticed by diagnostics)
    this.port = null;
    this.runner = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    if (this.stopping) return;
    const reason = `the reader on ${this.options.path} went away (unplugged, or its port was closed): reconnect it and restart the scanner`;
    this.core.error('disconnect', reason);
    this.core.emit('disconnected', { reason });
  }

  private describe(): string {
    return `${this.options.framing} reader on ${this.options.path}`;
  }

  private async identity(): Promise<{ identity: DeviceIdentity; advice: string[] }> {
    const advice: string[] = [];
    let listed: readonly ListedPort[] = [];
    try {
      // @serialport/bindings-interface publishes no `types` export condition, so the type is restated.
      listed = await SerialPort.list();
    } catch (e) {
      advice.push(`could not list serial ports (${(e as Error).message}); USB identity unknown`);
    }
    const info = listed.find((p) => p.path === this.options.path);
    const identity: DeviceIdentity = {
      description: this.describe(),
      path: this.options.path,
      ...(info?.vendorId ? { vendorId: info.vendorId.padStart(4, '0') } : {}),
      ...(info?.productId ? { productId: info.productId.padStart(4, '0') } : {}),
      ...(info?.manufacturer ? { manufacturer: info.manufacturer } : {}),
      ...(info?.serialNumber ? { serialNumber: info.serialNumber } : {}),
      ...(this.revision ? { firmwareVersion: this.revision } : {}),
    };
    return { identity, advice };
  }

  async diagnostics(options: DiagnosticsOptions = {}): Promise<DeviceDiagnostics> {
    this.checkDeviceNode();
    const present = this.port?.isOpen === true;
    // The read test starts waiting at once: the technician presents a card while the rest runs.
    const readTest =
      present && this.options.framing !== 'ssi'
        ? this.core.readTest(options.readTestTimeoutMs ?? 0, monotonicNow)
        : null;
    const { identity, advice } = await this.identity();
    const selfTest: SelfTestResult[] = [
      {
        name: 'port-open',
        passed: present,
        detail: present
          ? `${this.options.path} is open at ${this.options.baudRate ?? 9600} baud`
          : `${this.options.path} is not open`,
        durationMs: 0,
      },
    ];
    if (!present)
      advice.push(`connect the reader to ${this.options.path} (or set the right port) and start the scanner`);
    else if (this.options.framing === 'ssi' && this.runner)
      selfTest.push(await this.revisionTest(this.runner));
    if (readTest) selfTest.push(await readTest);
    return this.core.diagnostics({ id: this.id, real: true, present, identity, selfTest, advice });
  }

  /** SSI read test: REQUEST_REVISION round trip (SSI guide: REQUEST_REVISION / REPLY_REVISION). */
  private async revisionTest(runner: ProtocolRunner): Promise<SelfTestResult> {
    const t0 = monotonicNow();
    const reply = await runner.command(SSI_OPCODE.REQUEST_REVISION);
    const durationMs = monotonicNow() - t0;
    if (!reply.ok || !reply.value) {
      return {
        name: 'ssi-revision',
        passed: false,
        detail: `no REPLY_REVISION: ${reply.ok ? 'empty' : reply.error}`,
        durationMs,
      };
    }
    this.core.latency.record(durationMs);
    this.revision = new TextDecoder().decode(reply.value.data).trim();
    return { name: 'ssi-revision', passed: true, detail: `REPLY_REVISION "${this.revision}"`, durationMs };
  }
}

export function createSerialScanner(options: SerialScannerOptions): IdScanner {
  return new SerialIdScanner(options);
}
