/**
 * The peripheral controller emulator (DESIGN §7): the device side of SMP on a ByteLink, either the far
 * end of a socat pseudo-terminal (tests, and by hand with emulator-main.ts) or an in-memory pair (the
 * kiosk demo). It keeps what a real enclosure controller keeps (kiosk-device-model.ts: lid, UPS,
 * printer, light, events; image-store.ts: two firmware slots) and lets the dev dock and tests drive it
 * and put faults on the line (fault-injector.ts, plus `disconnect`).
 *
 * Its receive buffer is `bufSize` bytes, reported by the MCUmgr parameters command; as on Zephyr's
 * serial transport that buffer also holds the frame's length field and CRC, so the largest request it
 * takes is bufSize − 4 bytes (serial_util.c: mcumgr_serial_decode_frag decodes into one net_buf of
 * CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE). An answer larger than its buffer is replaced by `rc` 7
 * (MGMT_ERR_EMSGSIZE), as Zephyr does.
 */
import { randomInt } from 'node:crypto';
import { toHex } from '../../protocol/bytes';
import type { Result } from '../../protocol/result';
import type { ByteLink } from '../byte-link';
import { buildMcubootImage, parseMcubootImage, parseVersion } from '../mcuboot-image';
import { PacketChannel } from '../packet-channel';
import { encodeFrames } from '../serial-framing';
import { MGMT_ERR } from '../smp-errors';
import { decodeSmpPacket, encodeSmpPacket } from '../smp-packet';
import type { PrinterState } from '../kiosk-protocol';
import { FaultInjector } from './fault-injector';
import { ImageStore } from './image-store';
import { KioskDeviceModel, type KioskSnapshot } from './kiosk-device-model';
import { SmpServer } from './smp-server';

export interface EmulatorOptions {
  /** Answer the kiosk group (64); false plays a plain Zephyr/MCUboot device (default true). */
  readonly kioskGroup?: boolean;
  /** Speak SMP version 2; false answers version 2 requests with rc 13, as an older device (default true). */
  readonly supportsSmpV2?: boolean;
  /** MCUmgr parameters `buf_size` (default 2048) and `buf_count` (default 4). */
  readonly bufSize?: number;
  readonly bufCount?: number;
  /** Version of the firmware in slot 0 at start (default "1.0.0"). */
  readonly firmwareVersion?: string;
  /** Size of an image slot (default 256 KiB). */
  readonly slotSize?: number;
  /** How long a reset keeps it silent (default 200 ms). */
  readonly rebootMs?: number;
  /** Seed for the random frame drops. */
  readonly seed?: number;
}

export interface EmulatorSnapshot {
  readonly connected: boolean;
  readonly rebooting: boolean;
  readonly kiosk: KioskSnapshot;
  readonly images: readonly { slot: number; version: string; hash: string; flags: string[] }[];
  readonly upload: { readonly offset: number; readonly length: number } | null;
  readonly requests: number;
}

export class ControllerEmulator {
  readonly faults: FaultInjector;
  private readonly kiosk: KioskDeviceModel;
  private readonly images: ImageStore;
  private readonly server: SmpServer;
  private readonly bufSize: number;
  private readonly rebootMs: number;
  private link: ByteLink | null = null;
  private channel: PacketChannel | null = null;
  private rebooting = false;
  private requests = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: EmulatorOptions = {}) {
    this.bufSize = options.bufSize ?? 2048;
    if (!Number.isInteger(this.bufSize) || this.bufSize < 128 || this.bufSize > 0xffff)
      throw new RangeError('bufSize must be 128..65535 bytes');
    this.rebootMs = options.rebootMs ?? 200;
    this.faults = new FaultInjector(options.seed);
    this.kiosk = new KioskDeviceModel(() => performance.now(), newBootId());
    const version = parseVersion(options.firmwareVersion ?? '1.0.0');
    if (!version.ok) throw new RangeError(version.error);
    const firmware = parseMcubootImage(
      buildMcubootImage(version.value, new TextEncoder().encode('ogas-controller')),
    );
    if (!firmware.ok) throw new Error(firmware.error);
    this.images = new ImageStore(
      { version: firmware.value.versionString, hash: firmware.value.hash, valid: true },
      options.slotSize ?? 256 * 1024,
    );
    this.server = new SmpServer(
      {
        kioskGroup: options.kioskGroup ?? true,
        supportsSmpV2: options.supportsSmpV2 ?? true,
        bufSize: this.bufSize,
        bufCount: options.bufCount ?? 4,
      },
      this.images,
      this.kiosk,
    );
  }

  /** Serves SMP on `link` (opening it). */
  async attach(link: ByteLink): Promise<Result<void, string>> {
    await this.detach();
    this.link = link;
    this.channel = new PacketChannel(link, this.bufSize - 4);
    this.channel.on('packet', (p) => this.onPacket(p));
    return link.open();
  }

  /** Stops serving and closes the link. */
  async detach(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.channel?.detach();
    this.channel = null;
    const link = this.link;
    this.link = null;
    if (link) await link.close();
  }

  // ---- the physical world (dev dock, tests) ----

  openLid(): void {
    this.kiosk.openLid();
  }
  closeLid(): void {
    this.kiosk.closeLid();
  }
  cutPower(): void {
    this.kiosk.cutPower();
  }
  restorePower(): void {
    this.kiosk.restorePower();
  }
  setBattery(percent: number): void {
    this.kiosk.setBattery(percent);
  }
  setPrinter(state: PrinterState): void {
    this.kiosk.setPrinter(state);
  }

  /** Closes its end of the line, as if unplugged, and plugs back in after `ms`. */
  async disconnect(ms: number): Promise<void> {
    const link = this.link;
    if (!link) return;
    await link.close();
    this.later(ms, () => {
      if (this.link === link) void link.open();
    });
  }

  /** A power cycle of the controller: silent for `rebootMs`, then running with a new boot id. */
  reset(): void {
    this.rebooting = true;
    this.later(this.rebootMs, () => {
      this.images.reboot();
      this.kiosk.reboot(newBootId());
      this.rebooting = false;
    });
  }

  snapshot(): EmulatorSnapshot {
    return {
      connected: this.link?.isOpen ?? false,
      rebooting: this.rebooting,
      kiosk: this.kiosk.snapshot(),
      images: this.images.list().map((i) => ({
        slot: i['slot'] as number,
        version: i['version'] as string,
        hash: toHex(i['hash'] as Uint8Array),
        flags: (['bootable', 'pending', 'confirmed', 'active', 'permanent'] as const).filter(
          (f) => i[f] === true,
        ),
      })),
      upload: this.images.uploadProgress(),
      requests: this.requests,
    };
  }

  private onPacket(packet: Uint8Array): void {
    if (this.rebooting) return;
    const request = decodeSmpPacket(packet);
    if (!request.ok) return; // a device drops what it cannot parse; the host times out and retries
    this.requests++;
    const answer = this.server.handle(request.value);
    if (answer === null) return;
    let bytes = encodeSmpPacket(answer.response);
    if (bytes.length > this.bufSize - 4)
      bytes = encodeSmpPacket({ ...answer.response, body: { rc: MGMT_ERR.messageSize } });
    const frames = this.faults.apply(encodeFrames(bytes), answer.response);
    const send = () => {
      if (frames.length > 0) void this.channel?.sendFrames(frames);
      if (answer.thenReset) this.reset();
    };
    if (this.faults.delayMs > 0) this.later(this.faults.delayMs, send);
    else send();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}

function newBootId(): number {
  return randomInt(1, 0xffffffff);
}
