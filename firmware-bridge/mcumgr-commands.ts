/**
 * The standard MCUmgr commands the kiosk uses, typed: OS group (Zephyr smp_group_0.rst: echo 0,
 * reset 5, MCUmgr parameters 6) and image group (smp_group_1.rst: state 0 read and write). Every answer
 * is parsed by a schema; a malformed one is a `bad-response` failure naming the field.
 */
import { z } from 'zod';
import { toHex } from '../protocol/bytes';
import { err, ok, type Result } from '../protocol/result';
import { SMP_GROUP } from './smp-header';
import { commandName, type SmpClient, type SmpFailure } from './smp-client';

export const OS_CMD = { echo: 0, reset: 5, params: 6 } as const;
export const IMAGE_CMD = { state: 0, upload: 1, erase: 5 } as const;

/** Parses an answer body with `schema`, or names what was wrong with it. */
export function parseAnswer<T>(
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  group: number,
  id: number,
): Result<T, SmpFailure> {
  const r = schema.safeParse(body);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  return err({
    kind: 'bad-response',
    message: `the answer to ${commandName(group, id)} is malformed at ${where}: ${issue?.message ?? 'invalid'}`,
  });
}

// ---- OS group ----

const echoSchema = z.object({ r: z.string() }).loose();

/** Echo (OS group, command 0): the heartbeat. The device must send back exactly what it got. */
export async function echo(client: SmpClient, text: string): Promise<Result<{ rttMs: number }, SmpFailure>> {
  const started = performance.now();
  const r = await client.request({ op: 'write', group: SMP_GROUP.os, id: OS_CMD.echo, body: { d: text } });
  if (!r.ok) return r;
  const parsed = parseAnswer(echoSchema, r.value, SMP_GROUP.os, OS_CMD.echo);
  if (!parsed.ok) return parsed;
  if (parsed.value.r !== text)
    return err({
      kind: 'bad-response',
      message: `echo came back as ${JSON.stringify(parsed.value.r)}, not ${JSON.stringify(text)}`,
    });
  return ok({ rttMs: performance.now() - started });
}

/** System reset (OS group, command 5); the device answers before it resets. */
export async function reset(client: SmpClient): Promise<Result<void, SmpFailure>> {
  const r = await client.request({ op: 'write', group: SMP_GROUP.os, id: OS_CMD.reset, body: {} });
  return r.ok ? ok(undefined) : r;
}

const paramsSchema = z
  .object({ buf_size: z.number().int().min(64).max(0xffff), buf_count: z.number().int().min(1).max(0xffff) })
  .loose();

export interface McumgrParams {
  /** The device's SMP buffer size in bytes: the largest packet it takes. */
  readonly bufSize: number;
  readonly bufCount: number;
}

/** MCUmgr parameters (OS group, command 6). */
export async function mcumgrParams(client: SmpClient): Promise<Result<McumgrParams, SmpFailure>> {
  const r = await client.request({ op: 'read', group: SMP_GROUP.os, id: OS_CMD.params });
  if (!r.ok) return r;
  const p = parseAnswer(paramsSchema, r.value, SMP_GROUP.os, OS_CMD.params);
  return p.ok ? ok({ bufSize: p.value.buf_size, bufCount: p.value.buf_count }) : p;
}

// ---- image group ----

const imageEntrySchema = z
  .object({
    image: z.number().int().min(0).max(255).optional(),
    slot: z.number().int().min(0).max(255),
    version: z.string().max(64),
    hash: z.instanceof(Uint8Array).optional(),
    bootable: z.boolean().optional(),
    pending: z.boolean().optional(),
    confirmed: z.boolean().optional(),
    active: z.boolean().optional(),
    permanent: z.boolean().optional(),
  })
  .loose();

const imageStateSchema = z
  .object({ images: z.array(imageEntrySchema).max(16), splitStatus: z.number().int().optional() })
  .loose();

export interface ImageSlot {
  readonly image: number;
  readonly slot: number;
  readonly version: string;
  /** SHA-256 of the MCUboot image (its IMAGE_TLV_SHA256), lowercase hex; null when the device omits it. */
  readonly hash: string | null;
  readonly bootable: boolean;
  readonly pending: boolean;
  readonly confirmed: boolean;
  readonly active: boolean;
  readonly permanent: boolean;
}

/** The flags set on a slot, in the order `mcumgr image list` prints them. */
export function slotFlags(s: ImageSlot): string[] {
  const names = ['bootable', 'pending', 'confirmed', 'active', 'permanent'] as const;
  return names.filter((n) => s[n]);
}

function toSlots(body: z.infer<typeof imageStateSchema>): ImageSlot[] {
  return body.images.map((i) => ({
    image: i.image ?? 0,
    slot: i.slot,
    version: i.version,
    hash: i.hash ? toHex(i.hash) : null,
    bootable: i.bootable ?? false,
    pending: i.pending ?? false,
    confirmed: i.confirmed ?? false,
    active: i.active ?? false,
    permanent: i.permanent ?? false,
  }));
}

/** Image state read (image group, command 0, op read): the firmware images and their flags. */
export async function imageList(client: SmpClient): Promise<Result<ImageSlot[], SmpFailure>> {
  const r = await client.request({ op: 'read', group: SMP_GROUP.image, id: IMAGE_CMD.state });
  if (!r.ok) return r;
  const p = parseAnswer(imageStateSchema, r.value, SMP_GROUP.image, IMAGE_CMD.state);
  return p.ok ? ok(toSlots(p.value)) : p;
}

/**
 * Image state write (image group, command 0, op write): `confirm: false` with a hash marks that image
 * for a test boot (reverted unless confirmed after it); `confirm: true` makes it permanent, or without a
 * hash confirms the running image. Zephyr's img_mgmt_state.c reads "hash" as a byte string.
 */
export async function setImageState(
  client: SmpClient,
  request: { readonly hash?: Uint8Array; readonly confirm: boolean },
): Promise<Result<ImageSlot[], SmpFailure>> {
  const body = request.hash ? { hash: request.hash, confirm: request.confirm } : { confirm: request.confirm };
  const r = await client.request({ op: 'write', group: SMP_GROUP.image, id: IMAGE_CMD.state, body });
  if (!r.ok) return r;
  const p = parseAnswer(imageStateSchema, r.value, SMP_GROUP.image, IMAGE_CMD.state);
  return p.ok ? ok(toSlots(p.value)) : p;
}
