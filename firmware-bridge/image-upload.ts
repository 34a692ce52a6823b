/**
 * Firmware upload over SMP (Zephyr smp_group_1.rst §Image upload): the image goes in chunks of
 * `{off, data}` (the first also carrying `image`, `len`, `sha` and optionally `upgrade`), each answered
 * with the device's `off`, the offset it wants next. The host always continues from that offset, so a
 * lost answer, a duplicated chunk or a device that kept fewer bytes than sent all resolve themselves.
 *
 * Resuming: `sha` (SHA-256 of the whole file) names the upload session. After the link drops, the host
 * waits for it to come back and sends the first chunk again with the same `sha`; a device still holding
 * that session answers with how far it got, and the upload continues from there (img_mgmt.c: "If request
 * includes proper data hash we can check whether there is upload in progress … we can just resume it by
 * simply including current upload offset in response"). A device that rebooted answers 0 and the upload
 * starts over, as the docs' note on `off` 0 requires.
 *
 * Chunks are sized so each request fits the device's SMP buffer (MCUmgr parameters `buf_size`, applied
 * to the client by the caller), which the serial framing then splits into 127-byte frames.
 */
import { sha256 } from '../protocol/hash';
import { toHex } from '../protocol/bytes';
import { err, ok, type Result } from '../protocol/result';
import type { CborMap } from './cbor';
import { parseMcubootImage } from './mcuboot-image';
import { IMAGE_CMD, imageList, parseAnswer, type ImageSlot } from './mcumgr-commands';
import { SMP_GROUP } from './smp-header';
import { encodeSmpPacket } from './smp-packet';
import type { SmpClient, SmpFailure } from './smp-client';
import { z } from 'zod';

export interface UploadOptions {
  /** Image number (multi-image devices); 0 by default. */
  readonly image?: number;
  /** Ask the device to refuse an image not newer than the running one. */
  readonly upgradeOnly?: boolean;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** How long to wait for a lost link to come back before giving up (default 30 s). */
  readonly reconnectWaitMs?: number;
  /** Per-try timeout of a chunk (default 2 s) and of the first one, which may erase the slot (default 15 s). */
  readonly chunkTimeoutMs?: number;
  readonly firstChunkTimeoutMs?: number;
}

export interface UploadProgress {
  readonly offset: number;
  readonly total: number;
  /** Set on the answer that told the host where a resumed upload stands. */
  readonly resumedAt?: number;
}

export interface UploadReport {
  readonly bytes: number;
  /** SHA-256 of the whole file, the `sha` sent with the first chunk. */
  readonly sha256: string;
  /** The MCUboot image hash the device will list for it. */
  readonly imageHash: string;
  readonly version: string;
  readonly chunks: number;
  readonly chunkBytes: number;
  /** Where the device said each resumed session stood. */
  readonly resumes: readonly { readonly deviceOffset: number }[];
  /** Times the device answered an offset below the one sent (it lost or had not kept data). */
  readonly rewinds: number;
  /** The device's final `match`, when it checks the hash itself (CONFIG_IMG_ENABLE_IMAGE_CHECK). */
  readonly deviceMatch: boolean | null;
  /** The slot now holding the image, as listed after the upload. */
  readonly slot: ImageSlot;
}

export type UploadFailure =
  | SmpFailure
  | { readonly kind: 'invalid-image'; readonly message: string }
  | { readonly kind: 'hash-mismatch'; readonly message: string }
  | { readonly kind: 'stalled'; readonly message: string };

const answerSchema = z.object({ off: z.number().int().min(0), match: z.boolean().optional() }).loose();

/**
 * Most data bytes a chunk can carry within the client's request limit, measured on the first chunk's
 * fields (the largest), in multiples of 4 bytes.
 */
export function chunkCapacity(client: SmpClient, firstFields: CborMap): number {
  const probe = encodeSmpPacket({
    op: 2,
    version: 1,
    group: SMP_GROUP.image,
    seq: 0,
    id: IMAGE_CMD.upload,
    body: { ...firstFields, data: new Uint8Array(0) },
  });
  // A byte string of 256 or more bytes takes a 3-byte head instead of the 1 byte of the empty probe.
  const room = client.requestLimit - probe.length - 2;
  return Math.max(0, room - (room % 4));
}

export async function uploadImage(
  client: SmpClient,
  file: Uint8Array,
  options: UploadOptions = {},
): Promise<Result<UploadReport, UploadFailure>> {
  const parsed = parseMcubootImage(file);
  if (!parsed.ok) return err({ kind: 'invalid-image', message: parsed.error });
  if (!parsed.value.hashValid)
    return err({
      kind: 'invalid-image',
      message: 'the image SHA-256 TLV does not match its contents: the file is damaged',
    });
  const sha = sha256(file);
  const first: Record<string, number | boolean | Uint8Array> = {
    image: options.image ?? 0,
    len: file.length,
    off: 0,
    sha,
  };
  if (options.upgradeOnly) first['upgrade'] = true;
  const capacity = chunkCapacity(client, first);
  if (capacity < 16)
    return err({
      kind: 'too-large',
      message: `the controller's ${client.requestLimit}-byte buffer cannot carry image chunks`,
    });
  const state = new UploadState(client, file, first, capacity, options);
  const sent = await state.run();
  if (!sent.ok) return sent;
  const list = await imageList(client);
  if (!list.ok) return list;
  const imageHash = toHex(parsed.value.hash);
  const slot = list.value.find((s) => s.hash === imageHash);
  if (!slot)
    return err({
      kind: 'hash-mismatch',
      message: `after the upload the controller lists no image with hash ${imageHash}: the image was not stored intact`,
    });
  return ok({
    bytes: file.length,
    sha256: toHex(sha),
    imageHash,
    version: parsed.value.versionString,
    chunks: state.chunks,
    chunkBytes: capacity,
    resumes: state.resumes,
    rewinds: state.rewinds,
    deviceMatch: sent.value,
    slot,
  });
}

class UploadState {
  chunks = 0;
  rewinds = 0;
  readonly resumes: { deviceOffset: number }[] = [];
  private readonly reconnectWaitMs: number;

  constructor(
    private readonly client: SmpClient,
    private readonly file: Uint8Array,
    private readonly first: Record<string, number | boolean | Uint8Array>,
    readonly capacity: number,
    private readonly options: UploadOptions,
  ) {
    this.reconnectWaitMs = options.reconnectWaitMs ?? 30_000;
  }

  async run(): Promise<Result<boolean | null, UploadFailure>> {
    let offset = 0;
    let resuming = false;
    let stalled = 0;
    let waitedMs = 0;
    let failures = 0;
    for (;;) {
      const data = this.file.subarray(offset, offset + this.capacity);
      const body: CborMap = offset === 0 ? { ...this.first, data } : { off: offset, data };
      const r = await this.client.request({
        op: 'write',
        group: SMP_GROUP.image,
        id: IMAGE_CMD.upload,
        body,
        timeoutMs:
          offset === 0 ? (this.options.firstChunkTimeoutMs ?? 15_000) : (this.options.chunkTimeoutMs ?? 2000),
      });
      if (!r.ok) {
        // A lost link or a silent device: wait for the link (bounded), then ask where the session stands.
        // Three failed exchanges in a row with the link up mean the device is not coming back.
        failures++;
        const transient = r.error.kind === 'disconnected' || r.error.kind === 'timeout';
        if (!transient || waitedMs >= this.reconnectWaitMs || (failures > 3 && this.client.connected))
          return r;
        const started = Date.now();
        const back = await waitForLink(this.client, this.reconnectWaitMs - waitedMs);
        waitedMs += Date.now() - started;
        if (!back) return r;
        // Ask the device where the session stands: the first chunk again, with the same sha.
        offset = 0;
        resuming = true;
        continue;
      }
      waitedMs = 0;
      failures = 0;
      this.chunks++;
      const answer = parseAnswer(answerSchema, r.value, SMP_GROUP.image, IMAGE_CMD.upload);
      if (!answer.ok) return answer;
      const next = answer.value.off;
      if (next > this.file.length)
        return err({
          kind: 'bad-response',
          message: `the controller asked for offset ${next}, past the end of the ${this.file.length}-byte image`,
        });
      if (resuming) this.resumes.push({ deviceOffset: next });
      else if (next < offset) this.rewinds++;
      this.options.onProgress?.({
        offset: next,
        total: this.file.length,
        ...(resuming ? { resumedAt: next } : {}),
      });
      resuming = false;
      if (answer.value.match === false)
        return err({
          kind: 'hash-mismatch',
          message: 'the controller reports the received image does not match its SHA-256: upload it again',
        });
      if (next === this.file.length) return ok(answer.value.match ?? null);
      stalled = next > offset ? 0 : stalled + 1;
      if (stalled >= 5)
        return err({
          kind: 'stalled',
          message: `the controller keeps asking for offset ${next} and accepts nothing past it`,
        });
      offset = next;
    }
  }
}

/** Resolves true when the client's link is (or comes back) up within `ms`. */
export function waitForLink(client: SmpClient, ms: number): Promise<boolean> {
  if (client.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(false);
    }, ms);
    const off = client.on('link-up', () => {
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}
