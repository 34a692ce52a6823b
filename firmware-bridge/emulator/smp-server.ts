/**
 * The emulated controller's SMP handlers: the OS group (echo, reset, MCUmgr parameters), the image
 * group (state, upload) and, unless it plays a plain Zephyr/MCUboot device, the kiosk group (64).
 * Answers follow Zephyr's smp.c: the response op is the request op + 1, a version 2 request gets
 * version 2 answers with group errors as `err: {group, rc}`, a version 1 request gets the legacy `rc`;
 * an unknown group or command, or an op it has no handler for, is `rc` 8 (MGMT_ERR_ENOTSUP); a body it
 * cannot decode is `rc` 3 (MGMT_ERR_EINVAL).
 */
import { z } from 'zod';
import type { CborMap } from '../cbor';
import {
  KIOSK_CMD,
  KIOSK_ERROR_TABLE,
  KIOSK_ERR,
  KIOSK_GROUP,
  eventsRequestSchema,
  lightRequestSchema,
  printRequestSchema,
} from '../kiosk-protocol';
import { IMAGE_CMD, OS_CMD } from '../mcumgr-commands';
import { MGMT_ERR } from '../smp-errors';
import { SMP_GROUP, SMP_OP, SMP_VERSION } from '../smp-header';
import type { SmpMessage, SmpPacketFields } from '../smp-packet';
import { imgLegacyRc, type ImageStore } from './image-store';
import type { KioskDeviceModel } from './kiosk-device-model';

export interface ServerConfig {
  readonly kioskGroup: boolean;
  readonly supportsSmpV2: boolean;
  readonly bufSize: number;
  readonly bufCount: number;
}

export interface ServerAnswer {
  readonly response: SmpPacketFields;
  /** Set when the device must reset after sending the answer. */
  readonly thenReset: boolean;
}

type Handled =
  | { readonly kind: 'ok'; readonly body: CborMap }
  | { readonly kind: 'rc'; readonly rc: number }
  | { readonly kind: 'group-error'; readonly group: number; readonly rc: number; readonly legacyRc: number };

const bytes = z.instanceof(Uint8Array);
const uint = z.number().int().min(0).max(0xffffffff);
const echoSchema = z.object({ d: z.string() }).loose();
const stateWriteSchema = z.object({ hash: bytes.optional(), confirm: z.boolean().optional() }).loose();
const uploadSchema = z
  .object({
    image: uint.optional(),
    len: uint.optional(),
    off: uint.optional(),
    sha: bytes.optional(),
    data: bytes.optional(),
    upgrade: z.boolean().optional(),
  })
  .loose();

export class SmpServer {
  constructor(
    private readonly config: ServerConfig,
    private readonly images: ImageStore,
    private readonly kiosk: KioskDeviceModel,
  ) {}

  handle(request: SmpMessage): ServerAnswer | null {
    const h = request.header;
    if (h.op !== SMP_OP.read && h.op !== SMP_OP.write) return null; // a response is not ours to answer
    const base = {
      op: h.op === SMP_OP.read ? SMP_OP.readResponse : SMP_OP.writeResponse,
      group: h.group,
      seq: h.seq,
      id: h.id,
    };
    if (h.version === SMP_VERSION.v2 && !this.config.supportsSmpV2)
      return {
        response: { ...base, version: SMP_VERSION.v2, body: { rc: MGMT_ERR.versionTooNew } },
        thenReset: false,
      };
    const handled = this.dispatch(h.group, h.id, h.op === SMP_OP.write, request.body);
    const v2 = h.version === SMP_VERSION.v2;
    const body: CborMap =
      handled.kind === 'ok'
        ? handled.body
        : handled.kind === 'rc'
          ? { rc: handled.rc }
          : v2
            ? { err: { group: handled.group, rc: handled.rc } }
            : { rc: handled.legacyRc };
    const thenReset = handled.kind === 'ok' && h.group === SMP_GROUP.os && h.id === OS_CMD.reset;
    return { response: { ...base, version: h.version, body }, thenReset };
  }

  private dispatch(
    group: number,
    id: number,
    write: boolean,
    body: Readonly<Record<string, unknown>>,
  ): Handled {
    if (group === SMP_GROUP.os) return this.os(id, write, body);
    if (group === SMP_GROUP.image) return this.image(id, write, body);
    if (group === KIOSK_GROUP && this.config.kioskGroup) return this.kioskCommand(id, write, body);
    return { kind: 'rc', rc: MGMT_ERR.notSupported };
  }

  private os(id: number, write: boolean, body: Readonly<Record<string, unknown>>): Handled {
    switch (id) {
      case OS_CMD.echo: {
        const r = echoSchema.safeParse(body);
        return r.success ? { kind: 'ok', body: { r: r.data.d } } : { kind: 'rc', rc: MGMT_ERR.invalid };
      }
      case OS_CMD.reset:
        return write ? { kind: 'ok', body: {} } : { kind: 'rc', rc: MGMT_ERR.notSupported };
      case OS_CMD.params:
        return write
          ? { kind: 'rc', rc: MGMT_ERR.notSupported }
          : { kind: 'ok', body: { buf_size: this.config.bufSize, buf_count: this.config.bufCount } };
      default:
        return { kind: 'rc', rc: MGMT_ERR.notSupported };
    }
  }

  private image(id: number, write: boolean, body: Readonly<Record<string, unknown>>): Handled {
    if (id === IMAGE_CMD.state) {
      if (!write) return { kind: 'ok', body: { images: this.images.list() } };
      const r = stateWriteSchema.safeParse(body);
      if (!r.success) return { kind: 'rc', rc: MGMT_ERR.invalid };
      const set = this.images.setState(r.data.hash, r.data.confirm ?? false);
      if (!set.ok)
        return {
          kind: 'group-error',
          group: SMP_GROUP.image,
          rc: set.error,
          legacyRc: imgLegacyRc(set.error),
        };
      return { kind: 'ok', body: { images: this.images.list() } };
    }
    if (id === IMAGE_CMD.upload && write) {
      const r = uploadSchema.safeParse(body);
      if (!r.success) return { kind: 'rc', rc: MGMT_ERR.invalid };
      const d = r.data;
      const up = this.images.upload({
        ...(d.image !== undefined ? { image: d.image } : {}),
        ...(d.len !== undefined ? { len: d.len } : {}),
        ...(d.off !== undefined ? { off: d.off } : {}),
        ...(d.sha !== undefined ? { sha: d.sha } : {}),
        ...(d.data !== undefined ? { data: d.data } : {}),
        ...(d.upgrade !== undefined ? { upgrade: d.upgrade } : {}),
      });
      if (!up.ok)
        return { kind: 'group-error', group: SMP_GROUP.image, rc: up.error, legacyRc: imgLegacyRc(up.error) };
      return {
        kind: 'ok',
        body:
          up.value.match === undefined ? { off: up.value.off } : { off: up.value.off, match: up.value.match },
      };
    }
    return { kind: 'rc', rc: MGMT_ERR.notSupported };
  }

  private kioskCommand(id: number, write: boolean, body: Readonly<Record<string, unknown>>): Handled {
    const fail = (rc: number): Handled => ({
      kind: 'group-error',
      group: KIOSK_GROUP,
      rc,
      legacyRc: KIOSK_ERROR_TABLE[rc]?.legacyRc ?? 1,
    });
    switch (id) {
      case KIOSK_CMD.status:
        return write ? { kind: 'rc', rc: MGMT_ERR.notSupported } : { kind: 'ok', body: this.kiosk.status() };
      case KIOSK_CMD.print: {
        if (!write) return { kind: 'rc', rc: MGMT_ERR.notSupported };
        const r = printRequestSchema.safeParse(body);
        if (!r.success) return fail(KIOSK_ERR.invalidArgument);
        const printed = this.kiosk.print(r.data.job, r.data.lines, r.data.qr);
        if (!printed.ok) return fail(printed.error);
        return { kind: 'ok', body: printed.value.dup ? { job: r.data.job, dup: true } : { job: r.data.job } };
      }
      case KIOSK_CMD.light: {
        if (!write) return { kind: 'rc', rc: MGMT_ERR.notSupported };
        const r = lightRequestSchema.safeParse(body);
        if (!r.success) return fail(KIOSK_ERR.invalidArgument);
        const set = this.kiosk.setLight(r.data.colour, r.data.pattern);
        return set.ok ? { kind: 'ok', body: {} } : fail(set.error);
      }
      case KIOSK_CMD.events: {
        if (write) return { kind: 'rc', rc: MGMT_ERR.notSupported };
        const r = eventsRequestSchema.safeParse(body);
        if (!r.success) return fail(KIOSK_ERR.invalidArgument);
        const e = this.kiosk.events(r.data.after, r.data.max);
        return {
          kind: 'ok',
          body: {
            boot: e.boot,
            events: e.events.map((x) => ({ seq: x.seq, type: x.type, ms: x.ms })),
            last: e.last,
            lost: e.lost,
          },
        };
      }
      default:
        return { kind: 'rc', rc: MGMT_ERR.notSupported };
    }
  }
}
