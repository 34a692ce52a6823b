/**
 * SMP packets over a ByteLink: frames what is sent (serial-framing.ts), reassembles what arrives
 * (frame-decoder.ts). Used by both ends, the host's SMP client and the controller emulator.
 */
import type { Result } from '../protocol/result';
import { Listeners, type ByteLink } from './byte-link';
import { FrameDecoder, type FramingErrorCode } from './frame-decoder';
import { encodeFrames } from './serial-framing';

export interface PacketChannelEvents {
  packet: (packet: Uint8Array) => void;
  'framing-error': (code: FramingErrorCode, message: string) => void;
  resync: (skippedBytes: number) => void;
}

export class PacketChannel {
  private readonly decoder: FrameDecoder;
  private readonly listeners = new Listeners<PacketChannelEvents>();
  private readonly unsubscribe: (() => void)[];

  constructor(
    readonly link: ByteLink,
    maxPacketLength: number,
  ) {
    this.decoder = new FrameDecoder({ maxPacketLength });
    this.unsubscribe = [
      link.on('data', (bytes) => this.receive(bytes)),
      // Whatever was half-received before the link dropped is gone; start clean.
      link.on('up', () => this.decoder.reset()),
      link.on('down', () => this.decoder.reset()),
    ];
  }

  on<K extends keyof PacketChannelEvents>(event: K, listener: PacketChannelEvents[K]): () => void {
    return this.listeners.on(event, listener);
  }

  /** Frames and writes one packet. */
  send(packet: Uint8Array): Promise<Result<void, string>> {
    return this.sendFrames(encodeFrames(packet));
  }

  /** Writes frames as given (the emulator's fault injection alters them first). */
  sendFrames(frames: readonly Uint8Array[]): Promise<Result<void, string>> {
    const total = frames.reduce((n, f) => n + f.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const f of frames) {
      bytes.set(f, at);
      at += f.length;
    }
    return this.link.write(bytes);
  }

  detach(): void {
    for (const u of this.unsubscribe) u();
  }

  private receive(bytes: Uint8Array): void {
    for (const e of this.decoder.push(bytes)) {
      if (e.kind === 'packet') this.listeners.emit('packet', e.packet);
      else if (e.kind === 'resync') this.listeners.emit('resync', e.skippedBytes);
      else this.listeners.emit('framing-error', e.code, e.message);
    }
  }
}
