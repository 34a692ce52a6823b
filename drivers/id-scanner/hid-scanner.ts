/**
 * HID POS document readers through node-hid (hidraw on Linux): the device is found by path, or by USB
 * vendor/product id among HID POS interfaces (usage page 0x8C), opened, and each input report goes into
 * the HID POS reassembly decoder (framing/hid-pos.ts). A reader found in keyboard-wedge mode is refused
 * with the advice to switch it (hid-devices.ts).
 *
 * node-hid is loaded only when a HID scanner starts (DESIGN §2: native modules stay out of the CLI's
 * way), and sits behind `HidBackend` so tests can replay recorded reports into this same code: this
 * machine has no /dev/uhid to create a virtual HID device.
 */
import { err, ok, type Result } from '../../protocol/result';
import type { DeviceDiagnostics, DeviceIdentity, SelfTestResult } from '../diagnostics';
import { HidPosDecoder, type HidPosLayout } from './framing/hid-pos';
import {
  findHidReaders,
  hex4,
  HID_POS_USAGE_PAGE,
  keyboardWedgeAdvice,
  type HidDeviceInfo,
} from './hid-devices';
import type { DiagnosticsOptions, IdScanner, ScannerEventName, ScannerEvents } from './scanner';
import { DeadlineTimer, monotonicNow, ScannerCore, type ScannerCoreOptions } from './scanner-core';

/** An open HID device delivering input reports (node-hid's HIDAsync has this shape). */
export interface HidReportSource {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  close(): Promise<void> | void;
}

export interface HidBackend {
  devices(): Promise<readonly HidDeviceInfo[]>;
  open(path: string): Promise<HidReportSource>;
}

/** The real backend: node-hid, loaded on first use. */
export const nodeHidBackend: HidBackend = {
  devices: async () => (await import('node-hid')).devicesAsync(),
  open: async (path) => (await import('node-hid')).HIDAsync.open(path),
};

export interface HidScannerOptions extends ScannerCoreOptions {
  /** hidraw path (`/dev/hidraw3`); or pick the HID POS interface of this vendor/product. */
  readonly path?: string;
  readonly vendorId?: number;
  readonly productId?: number;
  readonly layout?: HidPosLayout;
  readonly id?: string;
  readonly backend?: HidBackend;
}

class HidIdScanner implements IdScanner {
  readonly transport = 'hid' as const;
  readonly id: string;
  private readonly core: ScannerCore;
  private readonly backend: HidBackend;
  private readonly decoder: HidPosDecoder;
  private readonly timer: DeadlineTimer;
  private source: HidReportSource | null = null;
  private device: HidDeviceInfo | null = null;
  private stopping = false;

  constructor(private readonly options: HidScannerOptions) {
    this.core = new ScannerCore(options);
    this.backend = options.backend ?? nodeHidBackend;
    this.decoder = new HidPosDecoder(options.layout ? { layout: options.layout } : {});
    this.timer = new DeadlineTimer(
      () => this.decoder.nextDeadline(),
      (t) => this.handle(this.decoder.tick(t), t),
    );
    const target = options.path ?? `${hex4(options.vendorId ?? 0)}-${hex4(options.productId ?? 0)}`;
    this.id = options.id ?? `scanner-hid-${target.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  }

  on<K extends ScannerEventName>(event: K, listener: (e: ScannerEvents[K]) => void): () => void {
    return this.core.on(event, listener);
  }

  /** The configured device among `devices`, if present, and whether it is in an accepted mode. */
  private select(devices: readonly HidDeviceInfo[]): Result<HidDeviceInfo, string> {
    const o = this.options;
    const mine = devices.filter((d) =>
      o.path !== undefined
        ? d.path === o.path
        : d.vendorId === o.vendorId && (o.productId === undefined || d.productId === o.productId),
    );
    const pos = mine.find((d) => d.usagePage === HID_POS_USAGE_PAGE);
    // Opened by explicit path, an interface whose usage page the backend cannot tell is trusted.
    const byPath =
      o.path !== undefined && mine.length > 0 && mine.every((d) => d.usagePage === undefined)
        ? mine[0]
        : undefined;
    if (pos ?? byPath) return ok((pos ?? byPath)!);
    const wedge = findHidReaders(mine).find((r) => r.mode === 'keyboard-wedge');
    if (wedge) return err(keyboardWedgeAdvice(wedge));
    if (mine.length > 0) {
      const unknown = mine.every((d) => d.usagePage === undefined);
      return err(
        unknown
          ? 'the system does not report HID usage pages for this reader: configure it by its hidraw path'
          : `${o.path ?? 'the device'} has no HID POS interface (usage page 0x8C): switch the reader to HID POS mode`,
      );
    }
    return err(
      `no HID reader ${o.path ?? `${hex4(o.vendorId ?? 0)}:${hex4(o.productId ?? 0)}`} is connected`,
    );
  }

  async start(): Promise<Result<void, string>> {
    if (this.source) return ok(undefined);
    if (this.options.path === undefined && this.options.vendorId === undefined) {
      return err('a HID scanner needs a hidraw path or a USB vendor id');
    }
    this.stopping = false;
    let devices: readonly HidDeviceInfo[];
    try {
      devices = await this.backend.devices();
    } catch (e) {
      const message = `could not list HID devices: ${(e as Error).message}`;
      this.core.error('io', message);
      return err(message);
    }
    const device = this.select(devices);
    if (!device.ok) {
      this.core.error('io', device.error);
      return device;
    }
    try {
      this.source = await this.backend.open(device.value.path ?? '');
    } catch (e) {
      const message = `could not open ${device.value.path ?? 'the HID reader'}: ${(e as Error).message} (permissions on /dev/hidraw*?)`;
      this.core.error('io', message);
      return err(message);
    }
    this.device = device.value;
    const source = this.source;
    source.on('data', (report: Buffer) => {
      const t = monotonicNow();
      this.handle(
        this.decoder.feed(new Uint8Array(report.buffer, report.byteOffset, report.byteLength), t),
        t,
      );
    });
    // node-hid reports an unplugged device as a read error.
    source.on('error', (e: Error) => this.onGone(source, e.message));
    this.core.emit('connected', { description: this.describe() });
    return ok(undefined);
  }

  async stop(): Promise<void> {
    const source = this.source;
    if (!source) return;
    this.stopping = true;
    this.source = null;
    this.timer.cancel();
    await source.close();
  }

  private onGone(source: HidReportSource, cause: string): void {
    if (this.source !== source || this.stopping) return;
    this.source = null;
    this.timer.cancel();
    void Promise.resolve(source.close()).catch(() => undefined);
    const reason = `the HID reader ${this.describe()} went away (${cause}): reconnect it and restart the scanner`;
    this.core.error('disconnect', reason);
    this.core.emit('disconnected', { reason });
  }

  private handle(outputs: ReturnType<HidPosDecoder['feed']>, t: number): void {
    for (const o of outputs) {
      if (o.type === 'frame') this.core.frame(o, t);
      else this.core.error(o.kind, o.message);
    }
    this.timer.reschedule();
  }

  private describe(): string {
    const d = this.device;
    return d
      ? `${d.product ?? 'HID POS reader'} (${hex4(d.vendorId)}:${hex4(d.productId)}) on ${d.path ?? '?'}`
      : (this.options.path ?? 'HID POS reader');
  }

  async diagnostics(options: DiagnosticsOptions = {}): Promise<DeviceDiagnostics> {
    const advice: string[] = [];
    let devices: readonly HidDeviceInfo[] = [];
    try {
      devices = await this.backend.devices();
    } catch (e) {
      advice.push(`could not list HID devices: ${(e as Error).message}`);
    }
    for (const r of findHidReaders(devices))
      if (r.mode === 'keyboard-wedge') advice.push(keyboardWedgeAdvice(r));
    const present = this.source !== null;
    const selected = this.select(devices);
    const d = this.device ?? (selected.ok ? selected.value : null);
    const identity: DeviceIdentity | null = d
      ? {
          description: this.describe(),
          vendorId: hex4(d.vendorId),
          productId: hex4(d.productId),
          ...(d.path ? { path: d.path } : {}),
          ...(d.manufacturer ? { manufacturer: d.manufacturer } : {}),
          ...(d.product ? { model: d.product } : {}),
          ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}),
          ...(d.release !== undefined ? { firmwareVersion: `bcdDevice ${hex4(d.release)}` } : {}),
        }
      : null;
    const selfTest: SelfTestResult[] = [
      {
        name: 'device-open',
        passed: present,
        detail: present ? `${this.describe()} is open` : 'the HID reader is not open',
        durationMs: 0,
      },
    ];
    if (present) selfTest.push(await this.core.readTest(options.readTestTimeoutMs ?? 0, monotonicNow));
    else if (advice.length === 0) advice.push('connect the reader (in HID POS mode) and start the scanner');
    return this.core.diagnostics({
      id: this.id,
      real: this.backend === nodeHidBackend,
      present,
      identity,
      selfTest,
      advice,
    });
  }
}

export function createHidScanner(options: HidScannerOptions): IdScanner {
  return new HidIdScanner(options);
}

/** Every HID document reader attached, with its mode (for the technician screen and `start`). */
export async function listHidReaders(backend: HidBackend = nodeHidBackend) {
  return findHidReaders(await backend.devices());
}
