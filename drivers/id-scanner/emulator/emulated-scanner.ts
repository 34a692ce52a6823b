/**
 * An emulated scanner behind the same IdScanner interface, for the demo (dev dock) and tests: an
 * emulated device (serial-device-emulator.ts, or HID POS reports) wired in-process to the very
 * decoders and ProtocolRunner the real transports use. `present` is the voter holding a document to
 * the reader; `unplug` is the cable pulled out.
 */
import { err, ok, type Result } from '../../../protocol/result';
import type { DeviceDiagnostics, SelfTestResult } from '../../diagnostics';
import { encodeHidPosReports, HidPosDecoder, type HidPosLayout } from '../framing/hid-pos';
import { SSI_OPCODE } from '../framing/ssi-packet';
import { ProtocolRunner } from '../protocol-runner';
import type { DiagnosticsOptions, IdScanner, ScannerEventName, ScannerEvents } from '../scanner';
import { DeadlineTimer, monotonicNow, ScannerCore, type ScannerCoreOptions } from '../scanner-core';
import { createSerialProtocol, type SerialFraming, type SerialProtocolOptions } from '../serial-protocol';
import { SerialDeviceEmulator } from './serial-device-emulator';

export type EmulatedFraming = SerialFraming | 'hid-pos';

/** ICAO 9303-4 specimen passport (fictitious state UTO): the emulator's built-in test document. */
export const SPECIMEN_PASSPORT_MRZ =
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

export interface EmulatedScannerOptions extends ScannerCoreOptions, SerialProtocolOptions {
  readonly framing?: EmulatedFraming;
  readonly id?: string;
  /** What the read test presents (default the ICAO specimen passport). */
  readonly testDocument?: Uint8Array;
  readonly hidLayout?: HidPosLayout;
}

export interface EmulatedScanner extends IdScanner {
  readonly framing: EmulatedFraming;
  /** Presents a document (MRZ text or AAMVA bytes); false when the reader is stopped or not scanning. */
  present(document: Uint8Array | string): boolean;
  /** Simulates the cable being pulled out. */
  unplug(): void;
  /** The device end (serial framings), for fault injection in tests. */
  readonly device: SerialDeviceEmulator | null;
}

const asBytes = (d: Uint8Array | string) => (typeof d === 'string' ? new TextEncoder().encode(d) : d);
/** Hands bytes across on a later turn of the event loop, as a real line would. */
const later = (fn: () => void) => setImmediate(fn);

class EmulatedIdScanner implements EmulatedScanner {
  readonly transport = 'emulated' as const;
  readonly id: string;
  readonly framing: EmulatedFraming;
  device: SerialDeviceEmulator | null = null;
  private readonly core: ScannerCore;
  private runner: ProtocolRunner | null = null;
  private hid: { decoder: HidPosDecoder; timer: DeadlineTimer } | null = null;
  private running = false;

  constructor(private readonly options: EmulatedScannerOptions) {
    this.framing = options.framing ?? 'ssi';
    this.id = options.id ?? `scanner-emulated-${this.framing}`;
    this.core = new ScannerCore(options);
  }

  on<K extends ScannerEventName>(event: K, listener: (e: ScannerEvents[K]) => void): () => void {
    return this.core.on(event, listener);
  }

  async start(): Promise<Result<void, string>> {
    if (this.running) return ok(undefined);
    this.running = true;
    if (this.framing === 'hid-pos') {
      const decoder = new HidPosDecoder(this.options.hidLayout ? { layout: this.options.hidLayout } : {});
      const timer = new DeadlineTimer(
        () => decoder.nextDeadline(),
        (t) => this.handleHid(decoder.tick(t), t),
      );
      this.hid = { decoder, timer };
    } else {
      const runner = new ProtocolRunner(
        createSerialProtocol(this.framing, this.options),
        this.core,
        (bytes) => later(() => this.device?.receive(bytes)),
      );
      this.device = new SerialDeviceEmulator({
        framing: this.framing,
        write: (bytes) => later(() => runner.receive(bytes)),
      });
      this.runner = runner;
    }
    this.core.emit('connected', { description: `emulated ${this.framing} reader` });
    if (this.framing === 'ssi') {
      const enabled = await this.runner!.command(SSI_OPCODE.SCAN_ENABLE);
      if (!enabled.ok) return err(`the emulated reader did not accept SCAN_ENABLE: ${enabled.error}`);
    }
    return ok(undefined);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    if (this.framing === 'ssi' && this.runner) await this.runner.command(SSI_OPCODE.SCAN_DISABLE);
    this.teardown('the scanner was stopped');
  }

  present(document: Uint8Array | string): boolean {
    if (!this.running) return false;
    const payload = asBytes(document);
    if (this.hid) {
      const hid = this.hid;
      const reports = encodeHidPosReports(payload, payload[0] === 0x40 ? ']L0' : ']o0', hid.decoder.layout);
      for (const r of reports)
        later(() => this.running && this.handleHid(hid.decoder.feed(r, monotonicNow()), monotonicNow()));
      return true;
    }
    return this.device?.present(payload) ?? false;
  }

  unplug(): void {
    if (!this.running) return;
    const reason = 'the emulated reader was unplugged: reconnect it and restart the scanner';
    this.teardown(reason);
    this.core.error('disconnect', reason);
    this.core.emit('disconnected', { reason });
  }

  async diagnostics(options: DiagnosticsOptions = {}): Promise<DeviceDiagnostics> {
    const selfTest: SelfTestResult[] = [];
    if (this.running && this.framing === 'ssi' && this.runner) {
      const t0 = monotonicNow();
      const reply = await this.runner.command(SSI_OPCODE.REQUEST_REVISION);
      selfTest.push({
        name: 'ssi-revision',
        passed: reply.ok && reply.value !== null,
        detail: reply.ok ? 'REPLY_REVISION received' : reply.error,
        durationMs: monotonicNow() - t0,
      });
    }
    if (this.running) {
      const document = this.options.testDocument ?? asBytes(SPECIMEN_PASSPORT_MRZ);
      const wait = Math.max(options.readTestTimeoutMs ?? 0, 2000);
      selfTest.push(await this.core.readTest(wait, monotonicNow, () => this.present(document)));
    } else {
      selfTest.push({
        name: 'read-test',
        passed: false,
        detail: 'the emulated reader is not started',
        durationMs: 0,
      });
    }
    return this.core.diagnostics({
      id: this.id,
      real: false,
      present: this.running,
      identity: {
        description: `emulated ${this.framing} reader`,
        model: 'OGAS emulated document reader',
        firmwareVersion: 'EMU-1.0',
      },
      selfTest,
      advice: this.running ? [] : ['start the emulated scanner'],
    });
  }

  private handleHid(outputs: ReturnType<HidPosDecoder['feed']>, t: number): void {
    for (const o of outputs) {
      if (o.type === 'frame') this.core.frame(o, t);
      else this.core.error(o.kind, o.message);
    }
    this.hid?.timer.reschedule();
  }

  private teardown(reason: string): void {
    this.running = false;
    this.runner?.close(reason);
    this.device?.close();
    this.hid?.timer.cancel();
    this.runner = null;
    this.device = null;
    this.hid = null;
  }
}

export function createEmulatedScanner(options: EmulatedScannerOptions = {}): EmulatedScanner {
  return new EmulatedIdScanner(options);
}
