/**
 * A ByteLink over a serial port (serialport 13): a USB CDC-ACM controller on /dev/ttyACM0, or one end
 * of a socat pseudo-terminal pair in tests and by hand.
 *
 * Reconnection (issue 5, link health): a controller that is unplugged takes its device node with it, and
 * when it comes back the node reappears, possibly as a different device (a pty symlink then points to
 * a new /dev/pts/N). The link notices the loss three ways: the port reports a disconnect, a write fails
 * (a pty whose far side has gone reports EIO only when written to), or a periodic check finds the path
 * gone or pointing elsewhere. It then closes the port, reports `down`, and polls the path until it can
 * open it again, reporting `up`. Its timers are unref'd, so an idle link never keeps a process alive.
 */
import { realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { err, ok, type Result } from '../protocol/result';
import { Listeners, type ByteLink, type ByteLinkEvents } from './byte-link';

export interface SerialLinkOptions {
  readonly path: string;
  readonly baudRate?: number;
  /** Reopen the port by itself after the device went away (default true). */
  readonly reconnect?: boolean;
  /** How often to look for a device that went away (default 250 ms). */
  readonly reconnectIntervalMs?: number;
  /** How often to check that the path still leads to the device that was opened (default 250 ms). */
  readonly presenceCheckMs?: number;
}

type State = 'closed' | 'open' | 'waiting';

export class SerialLink implements ByteLink {
  readonly real = true;
  readonly path: string;
  readonly description: string;
  private readonly baudRate: number;
  private readonly reconnect: boolean;
  private readonly reconnectIntervalMs: number;
  private readonly presenceCheckMs: number;
  private readonly listeners = new Listeners<ByteLinkEvents>();
  private state: State = 'closed';
  private port: SerialPort | null = null;
  private openedDevice: string | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(options: SerialLinkOptions) {
    this.path = options.path;
    this.description = `serial port ${options.path}`;
    this.baudRate = options.baudRate ?? 115200;
    this.reconnect = options.reconnect ?? true;
    this.reconnectIntervalMs = options.reconnectIntervalMs ?? 250;
    this.presenceCheckMs = options.presenceCheckMs ?? 250;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  on<K extends keyof ByteLinkEvents>(event: K, listener: ByteLinkEvents[K]): () => void {
    return this.listeners.on(event, listener);
  }

  async open(): Promise<Result<void, string>> {
    if (this.state !== 'closed') return ok(undefined);
    const opened = await this.openPort();
    if (!opened.ok) return opened;
    this.adopt(opened.value.port, opened.value.device);
    this.listeners.emit('up');
    return ok(undefined);
  }

  async write(bytes: Uint8Array): Promise<Result<void, string>> {
    const port = this.port;
    if (this.state !== 'open' || port === null) return err(`${this.description} is not connected`);
    const error = await new Promise<Error | null>((resolve) => {
      port.write(Buffer.from(bytes), (e) => resolve(e ?? null));
    });
    if (error === null) return ok(undefined);
    if (port === this.port) this.lost(`writing to ${this.path} failed: ${error.message}`);
    return err(`${this.description}: ${error.message}`);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.stopTimers();
    await this.closePort();
  }

  private async openPort(): Promise<Result<{ port: SerialPort; device: string }, string>> {
    let device: string;
    try {
      device = realpathSync(this.path);
    } catch {
      return err(`${this.path} does not exist: is the controller plugged in, and is this the right port?`);
    }
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    const error = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (error !== null) return err(`cannot open ${this.path}: ${error.message}`);
    return ok({ port, device });
  }

  private adopt(port: SerialPort, device: string): void {
    this.port = port;
    this.openedDevice = device;
    this.state = 'open';
    port.on('data', (chunk: Buffer) => {
      if (this.port === port)
        this.listeners.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    });
    port.on('error', (e: Error) => {
      if (this.port === port) this.lost(`${this.path} reported an error: ${e.message}`);
    });
    port.on('close', (e: (Error & { disconnected?: boolean }) | null) => {
      if (this.port === port)
        this.lost(e?.disconnected ? `${this.path} was disconnected` : `${this.path} closed unexpectedly`);
    });
    this.presenceTimer = setInterval(() => this.checkPresence(), this.presenceCheckMs);
    this.presenceTimer.unref();
  }

  private checkPresence(): void {
    if (this.state !== 'open') return;
    let device: string | null;
    try {
      device = realpathSync(this.path);
    } catch {
      device = null;
    }
    if (device !== this.openedDevice) this.lost(`${this.path} went away (the device was unplugged or reset)`);
  }

  private lost(reason: string): void {
    if (this.state !== 'open') return;
    this.state = this.reconnect ? 'waiting' : 'closed';
    this.stopTimers();
    void this.closePort();
    this.listeners.emit('down', reason);
    if (this.reconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state !== 'waiting') return;
      void this.openPort().then((r) => {
        if (!r.ok) {
          if (this.state === 'waiting') this.scheduleReconnect();
          return;
        }
        if (this.state !== 'waiting') {
          r.value.port.close(() => undefined);
          return;
        }
        this.adopt(r.value.port, r.value.device);
        this.listeners.emit('up');
      });
    }, this.reconnectIntervalMs);
    this.reconnectTimer.unref();
  }

  private stopTimers(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.presenceTimer = null;
    this.reconnectTimer = null;
  }

  private closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.openedDevice = null;
    if (port === null || !port.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}
