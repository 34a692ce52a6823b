/**
 * The emulated enclosure's peripherals (tamper switch, UPS, receipt printer, status light) and the
 * kiosk group's event log, as firmware would keep them (firmware-bridge/README.md, "Kiosk group").
 * Pure state: the emulator's SMP server reads and changes it, the dev dock and tests drive it.
 *
 * Events carry a sequence number counting from 1 at each boot and sit in a ring of `eventCapacity`;
 * a host that polls with `after` = the last number it handled gets every later event still held, and
 * `lost` tells it how many fell out of the ring before it asked, so none goes missing unnoticed.
 */
import { err, ok, type Result } from '../../protocol/result';
import {
  BATTERY_LOW_PERCENT,
  EVENTS_DEFAULT,
  EVENTS_MAX,
  KIOSK_ERR,
  LIGHT_COLOURS,
  LIGHT_PATTERNS,
  receiptProblem,
  type KioskErrorCode,
  type KioskEventType,
  type LidState,
  type LightColour,
  type LightPattern,
  type PowerSource,
  type PrinterState,
} from '../kiosk-protocol';

export interface KioskEvent {
  readonly seq: number;
  readonly type: KioskEventType;
  readonly ms: number;
}

export interface PrintedReceipt {
  readonly job: number;
  readonly lines: readonly string[];
  readonly qr: string | null;
}

export interface KioskSnapshot {
  readonly lid: LidState;
  readonly tamperCount: number;
  readonly power: PowerSource;
  readonly battery: number;
  readonly charging: boolean;
  readonly printer: PrinterState;
  readonly light: { readonly colour: LightColour; readonly pattern: LightPattern };
  readonly boot: number;
  readonly lastEventSeq: number;
  readonly receipts: readonly PrintedReceipt[];
}

export class KioskDeviceModel {
  private lid: LidState = 'closed';
  private tamperCount = 0;
  private power: PowerSource = 'mains';
  private battery = 100;
  private printer: PrinterState = 'ready';
  private colour: LightColour = 'off';
  private pattern: LightPattern = 'solid';
  private boot: number;
  private bootedAt: number;
  private nextSeq = 1;
  private readonly ring: KioskEvent[] = [];
  private readonly receipts: PrintedReceipt[] = [];
  /** Jobs already printed, so a request resent after a lost answer does not print twice. */
  private readonly printedJobs = new Set<number>();

  constructor(
    private readonly now: () => number,
    bootId: number,
    private readonly eventCapacity = 32,
  ) {
    this.boot = bootId;
    this.bootedAt = now();
  }

  // ---- physical changes (dev dock, tests) ----

  openLid(): void {
    if (this.lid === 'open') return;
    this.lid = 'open';
    this.tamperCount++;
    this.raise('tamper-opened');
  }

  closeLid(): void {
    if (this.lid === 'closed') return;
    this.lid = 'closed';
    this.raise('tamper-closed');
  }

  cutPower(): void {
    if (this.power === 'battery') return;
    this.power = 'battery';
    this.raise('power-lost');
  }

  restorePower(): void {
    if (this.power === 'mains') return;
    this.power = 'mains';
    this.raise('power-restored');
  }

  setBattery(percent: number): void {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw new RangeError('battery is 0..100 %');
    const wasLow = this.battery < BATTERY_LOW_PERCENT;
    this.battery = percent;
    if (!wasLow && percent < BATTERY_LOW_PERCENT) this.raise('battery-low');
  }

  setPrinter(state: PrinterState): void {
    if (this.printer === state) return;
    this.printer = state;
    if (state === 'jammed') this.raise('printer-jammed');
    else if (state === 'paper-out') this.raise('printer-paper-out');
    else if (state === 'ready') this.raise('printer-ready');
  }

  /** A controller reset: new boot id, events start again at 1; switches and counters are physical. */
  reboot(bootId: number): void {
    this.boot = bootId;
    this.bootedAt = this.now();
    this.nextSeq = 1;
    this.ring.length = 0;
    this.colour = 'off';
    this.pattern = 'solid';
  }

  // ---- the kiosk group's commands ----

  status(): Record<string, string | number | boolean> {
    return {
      lid: this.lid,
      tamper: this.tamperCount,
      power: this.power,
      battery: this.battery,
      charging: this.power === 'mains' && this.battery < 100,
      printer: this.printer,
      colour: this.colour,
      pattern: this.pattern,
      boot: this.boot,
      evseq: this.nextSeq - 1,
    };
  }

  print(
    job: number,
    lines: readonly string[],
    qr: string | undefined,
  ): Result<{ dup: boolean }, KioskErrorCode> {
    if (receiptProblem(lines, qr) !== null) return err(KIOSK_ERR.receiptTooLarge);
    if (this.printedJobs.has(job)) return ok({ dup: true });
    if (this.printer === 'jammed') return err(KIOSK_ERR.printerJammed);
    if (this.printer === 'paper-out') return err(KIOSK_ERR.printerPaperOut);
    if (this.printer === 'offline') return err(KIOSK_ERR.printerOffline);
    this.printedJobs.add(job);
    if (this.printedJobs.size > 256) this.printedJobs.delete(this.printedJobs.values().next().value!);
    this.receipts.push({ job, lines: [...lines], qr: qr ?? null });
    return ok({ dup: false });
  }

  setLight(colour: string, pattern: string): Result<void, KioskErrorCode> {
    const c = LIGHT_COLOURS.find((x) => x === colour);
    const p = LIGHT_PATTERNS.find((x) => x === pattern);
    if (c === undefined || p === undefined) return err(KIOSK_ERR.lightInvalid);
    this.colour = c;
    this.pattern = p;
    return ok(undefined);
  }

  events(
    after: number,
    max: number | undefined,
  ): {
    boot: number;
    events: KioskEvent[];
    last: number;
    lost: number;
  } {
    const limit = Math.min(EVENTS_MAX, Math.max(1, max ?? EVENTS_DEFAULT));
    const oldest = this.ring[0]?.seq ?? this.nextSeq;
    return {
      boot: this.boot,
      events: this.ring.filter((e) => e.seq > after).slice(0, limit),
      last: this.nextSeq - 1,
      lost: Math.max(0, oldest - after - 1),
    };
  }

  snapshot(): KioskSnapshot {
    return {
      lid: this.lid,
      tamperCount: this.tamperCount,
      power: this.power,
      battery: this.battery,
      charging: this.power === 'mains' && this.battery < 100,
      printer: this.printer,
      light: { colour: this.colour, pattern: this.pattern },
      boot: this.boot,
      lastEventSeq: this.nextSeq - 1,
      receipts: [...this.receipts],
    };
  }

  private raise(type: KioskEventType): void {
    this.ring.push({ seq: this.nextSeq++, type, ms: Math.max(0, Math.round(this.now() - this.bootedAt)) });
    if (this.ring.length > this.eventCapacity) this.ring.shift();
  }
}
