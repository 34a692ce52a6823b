/**
 * The host side of SMP: one request at a time, answers matched by sequence number (SMP Protocol
 * Specification §Frame: "The Sequence Num of a response should match the one in the request"), a
 * timeout per try, a bounded number of tries, and a typed failure when the controller does not answer.
 *
 * Version: requests go out as SMP version 2; a device that answers `rc` 13 (MGMT_ERR_UNSUPPORTED_TOO_NEW)
 * is spoken to in version 1 from then on, and one that answers `rc` 12 (too old) in version 2 (both as
 * Zephyr's tests/subsys/mgmt/mcumgr/smp_version expect).
 *
 * Every request SMP defines here is safe to send twice (reads, offset-addressed upload chunks, image
 * state, the kiosk group's print which the device deduplicates by job number), so a try whose answer
 * was lost or corrupted is simply sent again. Round-trip times and error counts (crc, timeout, resync,
 * disconnect, …) feed the diagnostics.
 */
import { ErrorCounter, LatencyRecorder } from '../drivers/diagnostics';
import { err, ok, type Result } from '../protocol/result';
import { Listeners, type ByteLink } from './byte-link';
import type { CborMap } from './cbor';
import type { FramingErrorCode } from './frame-decoder';
import { KIOSK_CMD, KIOSK_GROUP } from './kiosk-protocol';
import { PacketChannel } from './packet-channel';
import { MAX_SERIAL_PACKET } from './serial-framing';
import { MGMT_ERR, deviceErrorOf, type SmpDeviceError } from './smp-errors';
import { SMP_GROUP, SMP_OP, SMP_VERSION, type SmpVersion } from './smp-header';
import { decodeSmpPacket, encodeSmpPacket, type SmpMessage } from './smp-packet';

export type SmpFailure =
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'disconnected'; readonly message: string }
  | { readonly kind: 'bad-response'; readonly message: string }
  | { readonly kind: 'too-large'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string }
  | SmpDeviceError;

export interface SmpRequest {
  readonly op: 'read' | 'write';
  readonly group: number;
  readonly id: number;
  readonly body?: CborMap;
  /** Per-try timeout, overriding the client's. */
  readonly timeoutMs?: number;
  /** Extra tries after the first, overriding the client's. */
  readonly retries?: number;
}

export interface SmpClientOptions {
  /** Per-try timeout (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Extra tries after the first (default 2). */
  readonly retries?: number;
  /** Largest answer accepted (default 8192 bytes). */
  readonly maxResponseLength?: number;
}

export interface SmpClientEvents {
  'link-down': (reason: string) => void;
  'link-up': () => void;
  'framing-error': (code: FramingErrorCode, message: string) => void;
}

type Outcome =
  | { readonly kind: 'answer'; readonly message: SmpMessage }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'corrupt' }
  | { readonly kind: 'down'; readonly reason: string };

interface Pending {
  readonly seq: number;
  settle(outcome: Outcome): void;
}

const COMMAND_NAMES: Readonly<Record<string, string>> = {
  [`${SMP_GROUP.os}/0`]: 'echo',
  [`${SMP_GROUP.os}/5`]: 'reset',
  [`${SMP_GROUP.os}/6`]: 'MCUmgr parameters',
  [`${SMP_GROUP.image}/0`]: 'image state',
  [`${SMP_GROUP.image}/1`]: 'image upload',
  [`${KIOSK_GROUP}/${KIOSK_CMD.status}`]: 'kiosk status',
  [`${KIOSK_GROUP}/${KIOSK_CMD.print}`]: 'kiosk print',
  [`${KIOSK_GROUP}/${KIOSK_CMD.light}`]: 'kiosk light',
  [`${KIOSK_GROUP}/${KIOSK_CMD.events}`]: 'kiosk events',
};

export function commandName(group: number, id: number): string {
  return COMMAND_NAMES[`${group}/${id}`] ?? `group ${group} command ${id}`;
}

export class SmpClient {
  readonly latency = new LatencyRecorder();
  readonly errors = new ErrorCounter();
  private readonly channel: PacketChannel;
  private readonly listeners = new Listeners<SmpClientEvents>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private version: SmpVersion = SMP_VERSION.v2;
  private seq = Math.floor(Math.random() * 256);
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private maxRequestLength = MAX_SERIAL_PACKET;
  private lastAnswer: number | null = null;

  constructor(
    readonly link: ByteLink,
    options: SmpClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
    this.channel = new PacketChannel(link, options.maxResponseLength ?? 8192);
    this.channel.on('packet', (p) => this.onPacket(p));
    this.channel.on('resync', () => this.errors.add('resync'));
    this.channel.on('framing-error', (code, message) => {
      this.errors.add(code === 'crc' ? 'crc' : code === 'length-too-large' ? 'oversized' : 'framing');
      if (code === 'crc') this.pending?.settle({ kind: 'corrupt' });
      this.listeners.emit('framing-error', code, message);
    });
    link.on('down', (reason) => {
      this.errors.add('disconnect');
      this.pending?.settle({ kind: 'down', reason });
      this.listeners.emit('link-down', reason);
    });
    link.on('up', () => this.listeners.emit('link-up'));
  }

  get connected(): boolean {
    return this.link.isOpen && !this.closed;
  }

  /** True after close(): a closed client never sends again. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** When the controller last answered anything (performance.now() milliseconds), or null. */
  get lastAnswerAt(): number | null {
    return this.lastAnswer;
  }

  /** The SMP version requests currently go out in. */
  get smpVersion(): SmpVersion {
    return this.version;
  }

  on<K extends keyof SmpClientEvents>(event: K, listener: SmpClientEvents[K]): () => void {
    return this.listeners.on(event, listener);
  }

  open(): Promise<Result<void, string>> {
    return this.link.open();
  }

  /** The device's receive buffer (MCUmgr parameters `buf_size`): larger requests are refused here. */
  setMaxRequestLength(bytes: number): void {
    this.maxRequestLength = Math.min(MAX_SERIAL_PACKET, bytes);
  }

  get requestLimit(): number {
    return this.maxRequestLength;
  }

  /** Sends one request and waits for its answer; requests are queued and run one at a time. */
  request(req: SmpRequest): Promise<Result<Record<string, unknown>, SmpFailure>> {
    const run = this.queue.then(() => this.exec(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending?.settle({ kind: 'down', reason: 'the client was closed' });
    this.channel.detach();
    await this.link.close();
  }

  private async exec(req: SmpRequest): Promise<Result<Record<string, unknown>, SmpFailure>> {
    const name = commandName(req.group, req.id);
    if (this.closed)
      return err({ kind: 'closed', message: `cannot send ${name}: the connection was closed` });
    const retries = req.retries ?? this.retries;
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    let tries = 0;
    let versionSwitched = false;
    for (;;) {
      if (!this.link.isOpen)
        return err({
          kind: 'disconnected',
          message: `cannot send ${name}: ${this.link.description} is not connected`,
        });
      const seq = this.nextSeq();
      const packet = encodeSmpPacket({
        op: req.op === 'read' ? SMP_OP.read : SMP_OP.write,
        version: this.version,
        group: req.group,
        seq,
        id: req.id,
        body: req.body ?? {},
      });
      if (packet.length > this.maxRequestLength)
        return err({
          kind: 'too-large',
          message: `${name} request of ${packet.length} bytes exceeds the controller's ${this.maxRequestLength}-byte buffer`,
        });
      tries++;
      const started = performance.now();
      const outcome = await this.attempt(seq, packet, timeoutMs);
      switch (outcome.kind) {
        case 'answer': {
          const h = outcome.message.header;
          const expectedOp = req.op === 'read' ? SMP_OP.readResponse : SMP_OP.writeResponse;
          if (h.op !== expectedOp || h.group !== req.group || h.id !== req.id)
            return err({
              kind: 'bad-response',
              message: `the answer to ${name} (seq ${seq}) names op ${h.op}, group ${h.group}, command ${h.id}`,
            });
          this.lastAnswer = performance.now();
          this.latency.record(this.lastAnswer - started);
          const deviceError = deviceErrorOf(outcome.message.body);
          if (deviceError === null) return ok(outcome.message.body);
          if (!versionSwitched && this.switchVersion(deviceError.group === null ? deviceError.rc : -1)) {
            versionSwitched = true;
            tries--;
            continue;
          }
          this.errors.add('device-error');
          return err(deviceError);
        }
        case 'down':
          return err({ kind: 'disconnected', message: `${name} was cut off: ${outcome.reason}` });
        case 'timeout':
        case 'corrupt':
          if (outcome.kind === 'timeout') this.errors.add('timeout');
          if (tries <= retries) continue;
          return err(
            outcome.kind === 'timeout'
              ? {
                  kind: 'timeout',
                  message:
                    `the controller on ${this.link.path ?? this.link.description} did not answer ${name} ` +
                    `within ${timeoutMs} ms (${tries} ${tries === 1 ? 'try' : 'tries'}): check that it is powered, ` +
                    'cabled to this port, and that its firmware enables the SMP serial transport',
                }
              : {
                  kind: 'bad-response',
                  message: `every answer to ${name} failed its CRC check (${tries} tries): check the cable and baud rate`,
                },
          );
      }
    }
  }

  private attempt(seq: number, packet: Uint8Array, timeoutMs: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const settle = (o: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.pending === entry) this.pending = null;
        resolve(o);
      };
      const entry: Pending = { seq, settle };
      this.pending = entry;
      const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
      void this.channel.send(packet).then((r) => {
        if (!r.ok) settle({ kind: 'down', reason: r.error });
      });
    });
  }

  private switchVersion(rc: number): boolean {
    if (rc === MGMT_ERR.versionTooNew && this.version === SMP_VERSION.v2) this.version = SMP_VERSION.v1;
    else if (rc === MGMT_ERR.versionTooOld && this.version === SMP_VERSION.v1) this.version = SMP_VERSION.v2;
    else return false;
    return true;
  }

  private onPacket(packet: Uint8Array): void {
    const m = decodeSmpPacket(packet);
    if (!m.ok) {
      this.errors.add('bad-packet');
      return;
    }
    const h = m.value.header;
    if (h.op === SMP_OP.read || h.op === SMP_OP.write) return; // a request: not ours to answer
    if (this.pending === null || this.pending.seq !== h.seq) {
      this.errors.add('stray');
      return;
    }
    this.pending.settle({ kind: 'answer', message: m.value });
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) & 0xff;
    return this.seq;
  }
}
