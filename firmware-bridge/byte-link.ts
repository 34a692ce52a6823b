/**
 * The byte pipe SMP runs over: a serial port on a real controller, a socat pseudo-terminal in tests, or
 * an in-memory pair for the in-process emulator (demo mode). The SMP client sees only this interface,
 * so the same protocol code runs on all three (DESIGN §1: every device behind one interface).
 *
 * A link reports `down` when the far end goes away without being asked to (cable pulled, controller
 * reset) and `up` when it is usable again; deliberate `close()` ends it for good.
 */
import { err, ok, type Result } from '../protocol/result';

export interface ByteLinkEvents {
  data: (bytes: Uint8Array) => void;
  up: () => void;
  down: (reason: string) => void;
}

export interface ByteLink {
  /** For people: "serial port /dev/ttyACM0", "in-process emulator". */
  readonly description: string;
  /** The device path, when there is one. */
  readonly path: string | null;
  /** True over a real transport (a tty, even a pty), false for the in-memory emulator pair. */
  readonly real: boolean;
  readonly isOpen: boolean;
  open(): Promise<Result<void, string>>;
  write(bytes: Uint8Array): Promise<Result<void, string>>;
  /** Closes for good: no reconnection after this. */
  close(): Promise<void>;
  on<K extends keyof ByteLinkEvents>(event: K, listener: ByteLinkEvents[K]): () => void;
}

/** A tiny typed listener registry (no EventEmitter: a throwing listener must not break the link). */
export class Listeners<E extends { [K in keyof E]: (...args: never[]) => void }> {
  private readonly map = new Map<keyof E, Set<E[keyof E]>>();

  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.map.get(event);
    if (!set) this.map.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    for (const l of [...(this.map.get(event) ?? [])]) (l as (...a: Parameters<E[K]>) => void)(...args);
  }
}

/**
 * Two connected in-memory ends. Bytes written on one arrive at the other on a later turn of the event
 * loop, as from a port. The ends are connected while both are open: closing one is seen by the other as
 * `down`, like a cable pulled, and opening it again brings the other back `up`.
 */
export function createMemoryLinkPair(names: { host: string; device: string }): {
  host: ByteLink;
  device: ByteLink;
} {
  const host = new MemoryLinkEnd(names.host);
  const device = new MemoryLinkEnd(names.device);
  host.peer = device;
  device.peer = host;
  return { host, device };
}

class MemoryLinkEnd implements ByteLink {
  readonly path = null;
  readonly real = false;
  peer: MemoryLinkEnd | null = null;
  /** Opened by its owner and not closed since. */
  private wanted = false;
  private connected = false;
  private readonly listeners = new Listeners<ByteLinkEvents>();

  constructor(readonly description: string) {}

  get isOpen(): boolean {
    return this.connected;
  }

  on<K extends keyof ByteLinkEvents>(event: K, listener: ByteLinkEvents[K]): () => void {
    return this.listeners.on(event, listener);
  }

  /** Succeeds at once; the end becomes usable (`up`) when the other end is open too. */
  open(): Promise<Result<void, string>> {
    this.wanted = true;
    const peer = this.peer!;
    if (peer.wanted) {
      this.setConnected(true, '');
      peer.setConnected(true, '');
    }
    return Promise.resolve(ok(undefined));
  }

  write(bytes: Uint8Array): Promise<Result<void, string>> {
    if (!this.connected) return Promise.resolve(err(`${this.description} is not connected`));
    const copy = Uint8Array.from(bytes);
    const peer = this.peer!;
    setImmediate(() => {
      if (peer.connected) peer.listeners.emit('data', copy);
    });
    return Promise.resolve(ok(undefined));
  }

  close(): Promise<void> {
    this.wanted = false;
    this.setConnected(false, '');
    this.peer!.setConnected(false, `${this.description} went away`);
    return Promise.resolve();
  }

  private setConnected(value: boolean, reason: string): void {
    if (this.connected === value) return;
    this.connected = value;
    if (value) this.listeners.emit('up');
    else if (this.wanted) this.listeners.emit('down', reason);
  }
}
