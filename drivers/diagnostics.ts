/**
 * One shape for every device's diagnostics (issue: Drivers/Diagnostics), so the technician screen and
 * the event log show card readers, the HSM, ID scanners and the peripheral controller alike.
 */

export type DeviceKind = 'card-reader' | 'hsm' | 'id-scanner' | 'peripheral-controller';

export interface DeviceIdentity {
  /** e.g. "SoftHSM slot token 'kiosk-hsm'", "Zebra DS4608 on /dev/ttyACM0" */
  readonly description: string;
  /** USB vendor/product id as 4 hex digits each, when the transport knows them. */
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly tokenLabel?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  /** Firmware, token or library version as the device reports it. */
  readonly firmwareVersion?: string;
  readonly libraryVersion?: string;
  readonly path?: string;
}

export interface SelfTestResult {
  readonly name: string;
  readonly passed: boolean;
  /** What was checked, or what went wrong and how a technician fixes it. */
  readonly detail: string;
  readonly durationMs: number;
}

export interface LatencyStats {
  readonly samples: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface DeviceDiagnostics {
  readonly kind: DeviceKind;
  /** Stable id for this device within the kiosk (e.g. "hsm", "scanner-serial-0"). */
  readonly id: string;
  /** true = real transport, false = emulated (demo/tests) */
  readonly real: boolean;
  readonly present: boolean;
  readonly identity: DeviceIdentity | null;
  readonly selfTest: readonly SelfTestResult[];
  readonly latency: LatencyStats;
  /** Counts by error kind since start (e.g. { "crc": 2, "timeout": 1 }). */
  readonly errorCounts: Readonly<Record<string, number>>;
  /** Human advice when something is wrong (e.g. "switch the scanner from keyboard mode to serial"). */
  readonly advice: readonly string[];
  /** ISO 8601 time the report was made. */
  readonly checkedAt: string;
}

/** Keeps the latest N latency samples and reports percentiles (nearest-rank). */
export class LatencyRecorder {
  private readonly samples: number[] = [];
  constructor(private readonly capacity = 1000) {}

  record(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  stats(): LatencyStats {
    if (this.samples.length === 0) return { samples: 0, p50Ms: null, p99Ms: null, maxMs: null };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
    return { samples: sorted.length, p50Ms: rank(50), p99Ms: rank(99), maxMs: sorted[sorted.length - 1]! };
  }
}

/** Counts errors by kind. */
export class ErrorCounter {
  private readonly counts = new Map<string, number>();
  add(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
