/**
 * A whole firmware update, as MCUboot intends it (smp_group_1.rst §State of images): upload the image
 * to slot 1 (image-upload.ts, resumable and hash-checked), mark it for a test boot, reset, check that the
 * controller now runs it, then confirm it, so MCUboot keeps it. An image that does not come up is
 * reverted by MCUboot at the next reset because it was never confirmed.
 */
import { fromHex } from '../protocol/bytes';
import { err, ok, type Result } from '../protocol/result';
import { echo, imageList, reset, setImageState, type ImageSlot } from './mcumgr-commands';
import { uploadImage, type UploadFailure, type UploadOptions, type UploadReport } from './image-upload';
import type { SmpClient } from './smp-client';

export interface FirmwareUpdateOptions extends UploadOptions {
  /** 'test' (default): test boot, then confirm once it answers; 'permanent': confirm before the reset. */
  readonly mode?: 'test' | 'permanent';
  /** How long to wait for the controller to come back after its reset (default 30 s). */
  readonly rebootWaitMs?: number;
}

export interface FirmwareUpdateReport {
  readonly upload: UploadReport;
  readonly previousVersion: string | null;
  readonly version: string;
  readonly images: readonly ImageSlot[];
}

export type FirmwareUpdateFailure = UploadFailure | { readonly kind: 'not-booted'; readonly message: string };

export async function updateFirmware(
  client: SmpClient,
  image: Uint8Array,
  options: FirmwareUpdateOptions = {},
): Promise<Result<FirmwareUpdateReport, FirmwareUpdateFailure>> {
  const before = await imageList(client);
  if (!before.ok) return before;
  const previous = before.value.find((s) => s.active)?.version ?? null;
  const upload = await uploadImage(client, image, options);
  if (!upload.ok) return upload;
  const hash = fromHex(upload.value.imageHash);
  const permanent = options.mode === 'permanent';
  const marked = await setImageState(client, { hash, confirm: permanent });
  if (!marked.ok) return marked;
  const resetDone = await reset(client);
  if (!resetDone.ok) return resetDone;
  if (!(await waitForAnswer(client, options.rebootWaitMs ?? 30_000)))
    return err({ kind: 'timeout', message: 'the controller did not answer again after its reset' });
  const after = await imageList(client);
  if (!after.ok) return after;
  const running = after.value.find((s) => s.active);
  if (running?.hash !== upload.value.imageHash)
    return err({
      kind: 'not-booted',
      message: `the controller still runs ${running?.version ?? 'an unknown image'}: MCUboot did not boot the new image`,
    });
  let images = after.value;
  if (!permanent) {
    const confirmed = await setImageState(client, { confirm: true });
    if (!confirmed.ok) return confirmed;
    images = confirmed.value;
  }
  return ok({ upload: upload.value, previousVersion: previous, version: upload.value.version, images });
}

/** Echoes until the controller answers or `ms` have passed. */
async function waitForAnswer(client: SmpClient, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (client.connected) {
      const r = await echo(client, 'ogas-reboot-check');
      if (r.ok) return true;
    } else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
