/**
 * Drives a SerialProtocol from real or emulated I/O: feeds received bytes in, turns its outputs into
 * scanner events (documents, errors), writes what it wants sent, resolves SSI command replies, and
 * keeps its timer running. The same runner serves the serialport transport and the in-process
 * emulated scanner, so both exercise one code path.
 */
import { err } from '../../protocol/result';
import type { ScannerCore } from './scanner-core';
import { DeadlineTimer, monotonicNow } from './scanner-core';
import type { ProtocolOutput, SerialProtocol, SsiReply } from './serial-protocol';

export class ProtocolRunner {
  private readonly timer: DeadlineTimer;
  private readonly replies = new Map<number, (r: SsiReply) => void>();
  private closed = false;

  constructor(
    private readonly protocol: SerialProtocol,
    private readonly core: ScannerCore,
    private readonly write: (bytes: Uint8Array) => void,
    private readonly now: () => number = monotonicNow,
  ) {
    this.timer = new DeadlineTimer(
      () => protocol.nextDeadline(),
      (t) => this.handle(protocol.tick(t), t),
      now,
    );
  }

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const t = this.now();
    this.handle(this.protocol.receive(bytes, t), t);
    this.timer.reschedule();
  }

  /** Sends an SSI command and waits for its answer (CMD_ACK, a reply packet, NAK or timeout). */
  command(opcode: number, data: Uint8Array = new Uint8Array(0)): Promise<SsiReply> {
    if (!this.protocol.command)
      return Promise.resolve(err(`the ${this.protocol.framing} framing has no commands`));
    if (this.closed) return Promise.resolve(err('the reader is not connected'));
    const t = this.now();
    const { id, out } = this.protocol.command(opcode, data, t);
    const answer = new Promise<SsiReply>((resolve) => this.replies.set(id, resolve));
    this.handle(out, t);
    this.timer.reschedule();
    return answer;
  }

  /** Stops the timer and fails every command still waiting. */
  close(reason: string): void {
    this.closed = true;
    this.timer.cancel();
    for (const resolve of this.replies.values()) resolve(err(reason));
    this.replies.clear();
  }

  private handle(outputs: readonly ProtocolOutput[], t: number): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'frame':
          this.core.frame(o, t);
          break;
        case 'error':
          this.core.error(o.kind, o.message);
          break;
        case 'send':
          if (!this.closed) this.write(o.bytes);
          break;
        case 'reply': {
          const resolve = this.replies.get(o.commandId);
          this.replies.delete(o.commandId);
          resolve?.(o.result);
          break;
        }
        case 'event':
          // SSI decoder events (boot, parameter change) need only the ACK the session already sent.
          break;
      }
    }
  }
}
