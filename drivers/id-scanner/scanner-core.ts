/**
 * What every IdScanner transport shares: typed listeners, turning complete frames into parsed
 * documents, error counts by kind and latency for diagnostics (drivers/diagnostics.ts), the read test
 * that waits for a document, and the timer that drives a decoder's time-based rules.
 */
import {
  ErrorCounter,
  LatencyRecorder,
  type DeviceDiagnostics,
  type DeviceIdentity,
  type SelfTestResult,
} from '../diagnostics';
import type { Frame } from './framing/frame-decoder';
import { parseDocument, type FormatChoice } from './parse-document';
import type { DocumentScan, ScannerErrorKind, ScannerEventName, ScannerEvents } from './scanner';

/** Monotonic milliseconds: decoders and latency use this clock, never wall time. */
export const monotonicNow = (): number => performance.now();

export interface ScannerCoreOptions {
  /** Which document formats to accept (default auto-detect). */
  readonly format?: FormatChoice;
  /** Wall clock for the two-digit MRZ year rule and timestamps (tests pin it). */
  readonly clock?: () => Date;
}

type Listener<K extends ScannerEventName> = (e: ScannerEvents[K]) => void;

export class ScannerCore {
  readonly errors = new ErrorCounter();
  readonly latency = new LatencyRecorder();
  private readonly listeners = new Map<ScannerEventName, Set<Listener<ScannerEventName>>>();
  private readonly format: FormatChoice;
  private readonly clock: () => Date;
  private lastGoodRead: { at: number; format: string } | null = null;
  /** Read tests waiting: documents read meanwhile are marked `self-test`. */
  private selfTesting = 0;

  constructor(options: ScannerCoreOptions = {}) {
    this.format = options.format ?? 'auto';
    this.clock = options.clock ?? (() => new Date());
  }

  on<K extends ScannerEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<ScannerEventName>);
    return () => set.delete(listener as Listener<ScannerEventName>);
  }

  emit<K extends ScannerEventName>(event: K, payload: ScannerEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (e) {
        // A listener's bug must surface, but must not leave the decoder half-way through a chunk.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  error(kind: ScannerErrorKind, message: string): void {
    this.errors.add(kind);
    this.emit('error', { kind, message });
  }

  /** Parses a complete frame and emits it as a document (parsed, or refused with the reason). */
  frame(frame: Frame, nowMs: number): DocumentScan {
    const result = parseDocument(frame.bytes, { format: this.format, now: this.clock() });
    const latencyMs = Math.max(0, nowMs - frame.startedAt);
    const scan: DocumentScan = {
      raw: frame.bytes,
      symbology: frame.symbology,
      result,
      latencyMs,
      at: this.clock().toISOString(),
      purpose: this.selfTesting > 0 ? 'self-test' : 'scan',
    };
    this.latency.record(latencyMs);
    if (result.ok) this.lastGoodRead = { at: nowMs, format: result.value.format };
    else this.errors.add('parse');
    this.emit('document', scan);
    return scan;
  }

  /** Resolves with the next document (parsed or refused), or null after `timeoutMs`. */
  waitForDocument(timeoutMs: number): Promise<DocumentScan | null> {
    return new Promise((resolve) => {
      const off = this.on('document', (scan) => {
        clearTimeout(timer);
        off();
        resolve(scan);
      });
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
    });
  }

  /**
   * The read test for readers that cannot be asked: waits for a presented document, or with no wait
   * reports the last good read since start.
   */
  async readTest(timeoutMs: number, nowMs: () => number, trigger?: () => void): Promise<SelfTestResult> {
    const started = nowMs();
    if (timeoutMs <= 0) {
      const last = this.lastGoodRead;
      return {
        name: 'read-test',
        passed: last !== null,
        detail: last
          ? `last good read (${last.format}) ${Math.round((nowMs() - last.at) / 1000)} s ago`
          : 'no document read since start: present a test document and run the read test with a wait',
        durationMs: 0,
      };
    }
    this.selfTesting++;
    let scan: DocumentScan | null;
    try {
      const waiting = this.waitForDocument(timeoutMs);
      trigger?.();
      scan = await waiting;
    } finally {
      this.selfTesting--;
    }
    const durationMs = nowMs() - started;
    if (scan === null) {
      return {
        name: 'read-test',
        passed: false,
        detail: `no document presented within ${timeoutMs} ms`,
        durationMs,
      };
    }
    return scan.result.ok
      ? { name: 'read-test', passed: true, detail: `read a ${scan.result.value.format} document`, durationMs }
      : {
          name: 'read-test',
          passed: false,
          detail: `read a document but refused it: ${scan.result.error.message}`,
          durationMs,
        };
  }

  diagnostics(d: {
    id: string;
    real: boolean;
    present: boolean;
    identity: DeviceIdentity | null;
    selfTest: readonly SelfTestResult[];
    advice: readonly string[];
  }): DeviceDiagnostics {
    const advice = [...d.advice];
    const counts = this.errors.snapshot();
    if ((counts['framing'] ?? 0) > 0 || (counts['checksum'] ?? 0) > 0) {
      advice.push(
        "framing or checksum errors: check the reader's baud rate and that its prefix/suffix match the configured framing",
      );
    }
    return {
      kind: 'id-scanner',
      id: d.id,
      real: d.real,
      present: d.present,
      identity: d.identity,
      selfTest: d.selfTest,
      latency: this.latency.stats(),
      errorCounts: counts,
      advice,
      checkedAt: this.clock().toISOString(),
    };
  }
}

/** Calls `tick` when a decoder's next deadline comes; `reschedule` after every feed. */
export class DeadlineTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly nextDeadline: () => number | null,
    private readonly tick: (nowMs: number) => void,
    private readonly now: () => number = monotonicNow,
  ) {}

  reschedule(): void {
    this.cancel();
    const deadline = this.nextDeadline();
    if (deadline === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.tick(this.now());
        this.reschedule();
      },
      Math.max(0, Math.ceil(deadline - this.now())),
    );
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
