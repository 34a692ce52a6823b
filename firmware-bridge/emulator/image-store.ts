/**
 * The emulated controller's firmware slots, behaving as Zephyr's img_mgmt over MCUboot does for one
 * image with two slots (smp_group_1.rst): slot 0 runs, uploads land in slot 1, an image state write
 * marks slot 1 for a test or permanent swap, and a reset performs it (or reverts an unconfirmed test).
 * Uploads follow img_mgmt.c: the first chunk (`off` 0) must carry `len` and an MCUboot header; a first
 * chunk whose `sha` names the session in progress is answered with that session's offset; a chunk at
 * another offset than expected is answered with the expected one; the last chunk is checked against
 * `sha` and answered with `match`.
 */
import { bytesEqual } from '../../protocol/bytes';
import { sha256 } from '../../protocol/hash';
import { err, ok, type Result } from '../../protocol/result';
import { IMAGE_HEADER_SIZE, IMAGE_MAGIC, parseMcubootImage } from '../mcuboot-image';

/** `enum img_mgmt_err_code_t` values the emulator answers with (img_mgmt.h). */
export const IMG_ERR = {
  hashNotFound: 8,
  noFreeSlot: 9,
  invalidSlot: 14,
  invalidOffset: 20,
  invalidLength: 21,
  invalidImageHeader: 22,
  invalidImageHeaderMagic: 23,
  invalidHash: 24,
  currentVersionIsNewer: 27,
  tooLarge: 30,
  dataOverrun: 31,
  testToActiveDenied: 33,
} as const;
export type ImgErr = (typeof IMG_ERR)[keyof typeof IMG_ERR];

/** The legacy `rc` for a version 1 request (as img_mgmt_translate_error_code groups them). */
export function imgLegacyRc(code: ImgErr): number {
  const enoent = 5;
  const ebadstate = 6;
  const einval = 3;
  if (code === IMG_ERR.hashNotFound || code === IMG_ERR.noFreeSlot) return enoent;
  if (code === IMG_ERR.currentVersionIsNewer || code === IMG_ERR.testToActiveDenied) return ebadstate;
  return einval;
}

export interface StoredImage {
  readonly version: string;
  readonly hash: Uint8Array;
  /** False when the image's own hash TLV does not match it: MCUboot would refuse to boot it. */
  readonly valid: boolean;
}

export interface UploadRequest {
  readonly image?: number;
  readonly len?: number;
  readonly off?: number;
  readonly sha?: Uint8Array;
  readonly data?: Uint8Array;
  readonly upgrade?: boolean;
}

interface Session {
  readonly sha: Uint8Array | null;
  readonly len: number;
  readonly buffer: Uint8Array;
  off: number;
}

export class ImageStore {
  private slot0: StoredImage;
  private slot1: StoredImage | null = null;
  private pending = false;
  private permanent = false;
  /** Slot 0 runs a test image that reverts at the next reset unless confirmed. */
  private testing = false;
  private session: Session | null = null;

  constructor(
    initial: StoredImage,
    private readonly slotSize: number,
  ) {
    this.slot0 = initial;
  }

  get running(): StoredImage {
    return this.slot0;
  }

  /** The `images` array of an image state answer. */
  list(): Record<string, string | number | boolean | Uint8Array>[] {
    const out: Record<string, string | number | boolean | Uint8Array>[] = [
      {
        image: 0,
        slot: 0,
        version: this.slot0.version,
        hash: this.slot0.hash,
        bootable: true,
        pending: false,
        confirmed: !this.testing,
        active: true,
        permanent: false,
      },
    ];
    if (this.slot1)
      out.push({
        image: 0,
        slot: 1,
        version: this.slot1.version,
        hash: this.slot1.hash,
        bootable: true,
        pending: this.pending,
        confirmed: this.testing,
        active: false,
        permanent: this.pending && this.permanent,
      });
    return out;
  }

  setState(hash: Uint8Array | undefined, confirm: boolean): Result<void, ImgErr> {
    if (hash === undefined || bytesEqual(hash, this.slot0.hash)) {
      if (!confirm) return err(IMG_ERR.testToActiveDenied);
      this.testing = false; // confirm the running image
      return ok(undefined);
    }
    if (!this.slot1 || !bytesEqual(hash, this.slot1.hash)) return err(IMG_ERR.hashNotFound);
    this.pending = true;
    this.permanent = confirm;
    return ok(undefined);
  }

  upload(req: UploadRequest): Result<{ off: number; match?: boolean }, ImgErr> {
    if ((req.image ?? 0) !== 0) return err(IMG_ERR.invalidSlot);
    if (req.off === undefined || req.data === undefined) return err(IMG_ERR.invalidOffset);
    if (req.off === 0) {
      const started = this.start(req);
      if (!started.ok) return started;
      if (started.value === 'resume') return ok({ off: this.session!.off });
    }
    const s = this.session;
    if (s === null) return ok({ off: 0 });
    if (req.off !== s.off) return ok({ off: s.off });
    if (s.off + req.data.length > s.len) return err(IMG_ERR.dataOverrun);
    s.buffer.set(req.data, s.off);
    s.off += req.data.length;
    if (s.off < s.len) return ok({ off: s.off });
    return ok(this.finish(s));
  }

  /** A reset: perform a pending swap, or revert an unconfirmed test image. */
  reboot(): void {
    this.session = null;
    if (this.pending && this.slot1 && this.slot1.valid) {
      const old = this.slot0;
      this.slot0 = this.slot1;
      this.slot1 = old;
      this.testing = !this.permanent;
    } else if (this.testing && this.slot1) {
      const tested = this.slot0;
      this.slot0 = this.slot1;
      this.slot1 = tested;
      this.testing = false;
    }
    this.pending = false;
    this.permanent = false;
  }

  /** Progress of the upload in progress, for the dev dock. */
  uploadProgress(): { readonly offset: number; readonly length: number } | null {
    return this.session ? { offset: this.session.off, length: this.session.len } : null;
  }

  private start(req: UploadRequest): Result<'new' | 'resume', ImgErr> {
    const data = req.data!;
    if (req.len === undefined) return err(IMG_ERR.invalidLength);
    if (data.length < IMAGE_HEADER_SIZE) return err(IMG_ERR.invalidImageHeader);
    if (new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) !== IMAGE_MAGIC)
      return err(IMG_ERR.invalidImageHeaderMagic);
    if (req.sha !== undefined && req.sha.length > 32) return err(IMG_ERR.invalidHash);
    const s = this.session;
    if (req.sha && s?.sha && s.len === req.len && bytesEqual(s.sha, req.sha)) return ok('resume');
    if (this.pending) return err(IMG_ERR.noFreeSlot);
    if (req.len > this.slotSize) return err(IMG_ERR.tooLarge);
    if (req.upgrade && !newerThan(data, this.slot0.version)) return err(IMG_ERR.currentVersionIsNewer);
    this.slot1 = null; // the slot is erased before the first write
    this.testing = false;
    this.session = { sha: req.sha ?? null, len: req.len, buffer: new Uint8Array(req.len), off: 0 };
    return ok('new');
  }

  private finish(s: Session): { off: number; match?: boolean } {
    this.session = null;
    const match = s.sha === null ? undefined : bytesEqual(sha256(s.buffer).subarray(0, s.sha.length), s.sha);
    if (match === false) return { off: s.off, match };
    const parsed = parseMcubootImage(s.buffer);
    if (parsed.ok)
      this.slot1 = {
        version: parsed.value.versionString,
        hash: parsed.value.hash,
        valid: parsed.value.hashValid,
      };
    return match === undefined ? { off: s.off } : { off: s.off, match };
  }
}

function newerThan(header: Uint8Array, running: string): boolean {
  const v = new DataView(header.buffer, header.byteOffset, IMAGE_HEADER_SIZE);
  const mine = [v.getUint8(20), v.getUint8(21), v.getUint16(22, true)];
  const theirs = running.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const a = mine[i]!;
    const b = theirs[i] ?? 0;
    if (a !== b) return a > b;
  }
  return false;
}
