/**
 * What the kiosk backend uses: one interface for the enclosure controller (DESIGN §1, CONVENTIONS:
 * Hardware), with one implementation over SMP that runs on a real serial port, a socat pty, or the
 * in-memory link to the in-process emulator (controller-factory.ts builds each).
 */
import type { DeviceDiagnostics } from '../drivers/diagnostics';
import { err, ok, type Result } from '../protocol/result';
import type { ByteLink } from './byte-link';
import { controllerDiagnostics } from './controller-diagnostics';
import { ControllerMonitor, type ControllerEvent } from './controller-monitor';
import {
  updateFirmware,
  type FirmwareUpdateFailure,
  type FirmwareUpdateOptions,
  type FirmwareUpdateReport,
} from './firmware-update';
import {
  kioskStatus,
  printReceipt,
  setStatusLight,
  type KioskStatus,
  type Receipt,
  type StatusLight,
} from './kiosk-group';
import { imageList, mcumgrParams, type ImageSlot, type McumgrParams } from './mcumgr-commands';
import { SmpClient, type SmpClientOptions, type SmpFailure } from './smp-client';
import { isNotSupported } from './smp-errors';
import { smpVersionName } from './smp-header';

export type ControllerError =
  SmpFailure | FirmwareUpdateFailure | { readonly kind: 'not-supported'; readonly message: string };

export interface ControllerInfo {
  readonly description: string;
  readonly firmwareVersion: string | null;
  readonly images: readonly ImageSlot[];
  readonly params: McumgrParams | null;
  /** Whether the firmware answers the kiosk group (64): false for a plain Zephyr/MCUboot device. */
  readonly kioskGroup: boolean;
  readonly smpVersion: 1 | 2;
}

export interface ControllerHealth {
  readonly state: 'connected' | 'unresponsive' | 'disconnected' | 'closed';
  readonly heartbeatMs: number;
  readonly eventPollMs: number;
  /** Milliseconds since the controller last answered, or null if it never did. */
  readonly sinceLastAnswerMs: number | null;
  readonly reconnects: number;
}

export interface PeripheralController {
  /** Opens the link and asks the controller who it is; starts heartbeat and event polling. */
  connect(): Promise<Result<ControllerInfo, ControllerError>>;
  close(): Promise<void>;
  status(): Promise<Result<KioskStatus, ControllerError>>;
  printReceipt(
    receipt: Receipt,
  ): Promise<Result<{ readonly job: number; readonly duplicate: boolean }, ControllerError>>;
  setLight(light: StatusLight): Promise<Result<void, ControllerError>>;
  /** Tamper, power and printer events, and link changes; returns the unsubscribe function. */
  onEvent(listener: (event: ControllerEvent) => void): () => void;
  images(): Promise<Result<ImageSlot[], ControllerError>>;
  updateFirmware(
    image: Uint8Array,
    options?: FirmwareUpdateOptions,
  ): Promise<Result<FirmwareUpdateReport, ControllerError>>;
  health(): ControllerHealth;
  /** A fresh report from real exchanges: echo, image list, kiosk status. */
  diagnostics(): Promise<DeviceDiagnostics>;
}

export interface SmpControllerOptions extends SmpClientOptions {
  /** Stable id in diagnostics (default "controller"). */
  readonly id?: string;
  readonly heartbeatMs?: number;
  readonly eventPollMs?: number;
}

/** Keeps the serial framing's own length and CRC out of the device buffer (see controller-emulator.ts). */
const SERIAL_OVERHEAD = 4;
/** When a device has no MCUmgr parameters command (MCUboot serial recovery), assume a small buffer. */
const FALLBACK_BUFFER = 256;

export class SmpPeripheralController implements PeripheralController {
  readonly client: SmpClient;
  private readonly monitor: ControllerMonitor;
  private kioskGroup = true;
  private closed = false;
  /** Set once the first connect opened the link: later `up`s are reconnections. */
  private started = false;
  private reconnects = 0;
  private nextJob = 1 + Math.floor(Math.random() * 0x7fff0000);

  constructor(
    readonly link: ByteLink,
    private readonly options: SmpControllerOptions = {},
  ) {
    this.client = new SmpClient(link, options);
    this.monitor = new ControllerMonitor(this.client, {
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.eventPollMs === undefined ? {} : { eventPollMs: options.eventPollMs }),
    });
    this.client.on('link-down', (reason) => this.monitor.emit({ kind: 'link-down', reason }));
    this.client.on('link-up', () => {
      if (this.closed || !this.started) return;
      this.reconnects++;
      // Its buffer size may have changed with a firmware update; ask again, then report the link up.
      void this.handshake().then(() => {
        this.monitor.emit({ kind: 'link-up' });
        if (this.kioskGroup) void this.monitor.pollEvents();
      });
    });
  }

  async connect(): Promise<Result<ControllerInfo, ControllerError>> {
    if (this.client.isClosed)
      return err({ kind: 'closed', message: 'this controller was closed: create a new one' });
    const opened = await this.client.open();
    if (!opened.ok) return err({ kind: 'disconnected', message: opened.error });
    this.started = true;
    const info = await this.handshake();
    if (!info.ok) return info;
    this.monitor.start(this.kioskGroup);
    return info;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.monitor.stop();
    await this.client.close();
  }

  async status(): Promise<Result<KioskStatus, ControllerError>> {
    return this.kiosk(await kioskStatus(this.client));
  }

  async printReceipt(
    receipt: Receipt,
  ): Promise<Result<{ job: number; duplicate: boolean }, ControllerError>> {
    const job = this.nextJob++;
    return this.kiosk(await printReceipt(this.client, job, receipt));
  }

  async setLight(light: StatusLight): Promise<Result<void, ControllerError>> {
    return this.kiosk(await setStatusLight(this.client, light));
  }

  onEvent(listener: (event: ControllerEvent) => void): () => void {
    return this.monitor.on(listener);
  }

  images(): Promise<Result<ImageSlot[], ControllerError>> {
    return imageList(this.client);
  }

  async updateFirmware(
    image: Uint8Array,
    options: FirmwareUpdateOptions = {},
  ): Promise<Result<FirmwareUpdateReport, ControllerError>> {
    this.monitor.pause(true);
    try {
      return await updateFirmware(this.client, image, options);
    } finally {
      this.monitor.pause(false);
    }
  }

  health(): ControllerHealth {
    const last = this.client.lastAnswerAt;
    return {
      state: this.closed
        ? 'closed'
        : !this.client.connected
          ? 'disconnected'
          : this.monitor.isUnresponsive
            ? 'unresponsive'
            : 'connected',
      heartbeatMs: this.monitor.heartbeatMs,
      eventPollMs: this.monitor.eventPollMs,
      sinceLastAnswerMs: last === null ? null : Math.round(performance.now() - last),
      reconnects: this.reconnects,
    };
  }

  diagnostics(): Promise<DeviceDiagnostics> {
    return controllerDiagnostics(this.client, { id: this.options.id ?? 'controller' });
  }

  /** MCUmgr parameters (for the request limit), images, and whether the kiosk group answers. */
  private async handshake(): Promise<Result<ControllerInfo, ControllerError>> {
    const params = await mcumgrParams(this.client);
    if (!params.ok && !(params.error.kind === 'device-error' && isNotSupported(params.error))) return params;
    this.client.setMaxRequestLength((params.ok ? params.value.bufSize : FALLBACK_BUFFER) - SERIAL_OVERHEAD);
    const images = await imageList(this.client);
    if (!images.ok) return images;
    const status = await kioskStatus(this.client);
    if (!status.ok && !(status.error.kind === 'device-error' && isNotSupported(status.error))) return status;
    this.kioskGroup = status.ok;
    return ok({
      description: this.link.description,
      firmwareVersion: images.value.find((s) => s.active)?.version ?? null,
      images: images.value,
      params: params.ok ? params.value : null,
      kioskGroup: status.ok,
      smpVersion: smpVersionName(this.client.smpVersion),
    });
  }

  /** Kiosk-group answers: a device without the group says ENOTSUP, which becomes `not-supported`. */
  private kiosk<T>(r: Result<T, SmpFailure>): Result<T, ControllerError> {
    if (r.ok || r.error.kind !== 'device-error' || !isNotSupported(r.error)) return r;
    return err({
      kind: 'not-supported',
      message:
        'this controller has no kiosk group (64): it runs plain Zephyr/MCUboot firmware, not the OGAS controller firmware',
    });
  }
}
