/**
 * Link health and events by polling, for a connected controller (issue 5):
 *
 * - Heartbeat: an OS echo every `heartbeatMs` when nothing else was answered in that time; two failed
 *   in a row mark the controller `unresponsive` until it answers again.
 * - Events: the kiosk group's EVENTS command every `eventPollMs`, from a cursor (the last sequence
 *   number delivered). Events held since the controller started are delivered on the first poll, so a
 *   lid opened while the kiosk software was down is still reported; `lost` (events that fell out of the
 *   controller's ring before they were read) and a changed boot id (the controller restarted; numbering
 *   starts again) are reported as events of their own, so nothing is missed silently.
 *
 * Its timers are unref'd and stop at `stop()`.
 */
import { Listeners } from './byte-link';
import { readEvents, type DeviceEvent } from './kiosk-group';
import { echo } from './mcumgr-commands';
import type { SmpClient } from './smp-client';

export type ControllerEvent =
  | { readonly kind: 'device'; readonly event: DeviceEvent }
  | { readonly kind: 'events-lost'; readonly count: number }
  | { readonly kind: 'controller-restarted'; readonly bootId: number }
  | { readonly kind: 'link-down'; readonly reason: string }
  | { readonly kind: 'link-up' }
  | { readonly kind: 'unresponsive'; readonly message: string }
  | { readonly kind: 'responsive' };

export interface MonitorOptions {
  readonly heartbeatMs?: number;
  readonly eventPollMs?: number;
}

interface MonitorEvents {
  event: (e: ControllerEvent) => void;
}

export class ControllerMonitor {
  readonly heartbeatMs: number;
  readonly eventPollMs: number;
  private readonly listeners = new Listeners<MonitorEvents>();
  private timers: NodeJS.Timeout[] = [];
  private cursor = 0;
  private bootId: number | null = null;
  private failures = 0;
  private unresponsive = false;
  private polling = false;
  private beating = false;
  private paused = false;

  constructor(
    private readonly client: SmpClient,
    options: MonitorOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.eventPollMs = options.eventPollMs ?? 500;
  }

  get isUnresponsive(): boolean {
    return this.unresponsive;
  }

  on(listener: (e: ControllerEvent) => void): () => void {
    return this.listeners.on('event', listener);
  }

  emit(e: ControllerEvent): void {
    this.listeners.emit('event', e);
  }

  /** Starts the heartbeat, and event polling unless the controller has no kiosk group. */
  start(pollEvents: boolean): void {
    this.stop();
    const beat = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    beat.unref();
    this.timers.push(beat);
    if (pollEvents) {
      const poll = setInterval(() => void this.pollEvents(), this.eventPollMs);
      poll.unref();
      this.timers.push(poll);
      void this.pollEvents();
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Holds heartbeats and polls (during a firmware update, whose reset would read as a failure). */
  pause(value: boolean): void {
    this.paused = value;
  }

  /** Polls now, delivering every event the controller holds past the cursor. */
  async pollEvents(): Promise<void> {
    if (this.polling || this.paused || !this.client.connected) return;
    this.polling = true;
    try {
      for (let round = 0; round < 8; round++) {
        const r = await readEvents(this.client, this.cursor);
        if (!r.ok) return;
        const batch = r.value;
        if (this.bootId !== batch.bootId) {
          // A new boot: numbering starts again at 1, so read it from the start.
          if (this.bootId !== null) this.emit({ kind: 'controller-restarted', bootId: batch.bootId });
          this.bootId = batch.bootId;
          if (this.cursor !== 0) {
            this.cursor = 0;
            continue;
          }
        }
        if (batch.lost > 0) this.emit({ kind: 'events-lost', count: batch.lost });
        for (const e of batch.events) {
          this.cursor = e.seq;
          this.emit({ kind: 'device', event: e });
        }
        if (batch.lost > 0 && batch.events.length === 0) this.cursor = batch.last;
        if (this.cursor >= batch.last || batch.events.length === 0) return;
      }
    } finally {
      this.polling = false;
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.beating || this.paused || !this.client.connected) return;
    const last = this.client.lastAnswerAt;
    if (last !== null && performance.now() - last < this.heartbeatMs && !this.unresponsive) return;
    this.beating = true;
    try {
      const r = await echo(this.client, 'ogas-heartbeat');
      if (r.ok) {
        this.failures = 0;
        if (this.unresponsive) {
          this.unresponsive = false;
          this.emit({ kind: 'responsive' });
        }
        return;
      }
      if (r.error.kind === 'disconnected' || r.error.kind === 'closed') return;
      this.failures++;
      if (this.failures >= 2 && !this.unresponsive) {
        this.unresponsive = true;
        this.emit({ kind: 'unresponsive', message: r.error.message });
      }
    } finally {
      this.beating = false;
    }
  }
}
