/**
 * One event-log record and the hash chain over records (DESIGN §8): record n holds the hash of record
 * n-1 (`prev`, 64 zeros for the first) and its own `hash` = SHA-256 of the JCS of every other field, so
 * changing, removing or reordering any record breaks the chain from there on.
 *
 * Details are a closed set of typed fields: there is no field that could hold a name, a document
 * number, a PIN, a voterRef, a credential or a tracker (DESIGN §8: events never hold anything that
 * links a voter to a ballot). A field not listed here is refused (a bug in the caller).
 */
import { z } from 'zod';
import { sha256Hex } from '../../protocol/hash';
import { canonicalBytes } from '../../protocol/jcs';
import { EVENTS, isEventId, type Disposition, type EventId } from './event-ids';

export const GENESIS_PREV = '0'.repeat(64);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
/** Short codes and words, never free personal text. */
const code = z.string().regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/, 'must be a short lowercase code');
const count = z.int().nonnegative();

export const EventDetailsSchema = z.strictObject({
  electionId: hex64.optional(),
  kioskId: hex64.optional(),
  /** Hash of a chained entry (polls event, batch) or an enrolment; never of a ballot or check-in. */
  entryHash: hex64.optional(),
  role: z.enum(['voter', 'poll-worker', 'official', 'technician']).optional(),
  method: z.enum(['card', 'document']).optional(),
  reason: code.optional(),
  code: code.optional(),
  device: code.optional(),
  rpcMethod: code.optional(),
  seq: count.optional(),
  index: count.optional(),
  size: count.optional(),
  count: count.optional(),
  checkins: count.optional(),
  ballots: count.optional(),
  httpStatus: z.int().min(100).max(599).optional(),
  /** A checkpoint root (public). */
  root: hex64.optional(),
  rule: code.optional(),
  event: code.optional(),
  final: z.boolean().optional(),
  marked: count.optional(),
  /** A path on the kiosk (exports, packages), never a voter's. */
  path: z.string().max(4096).optional(),
  /** Why, for an operator: written by the code, never copied from voter input. */
  note: z.string().max(500).optional(),
});
export type EventDetails = z.infer<typeof EventDetailsSchema>;

export type StaffRoleName = 'poll-worker' | 'official' | 'technician';

/** What a caller gives. */
export interface EventInput {
  readonly eventId: EventId;
  readonly disposition: Disposition;
  readonly message: string;
  /** The signed-in staff role that caused it, when one did. */
  readonly user?: StaffRoleName | null;
  readonly details?: EventDetails;
}

export interface EventRecord {
  /** 1-based, no gap. */
  readonly seq: number;
  /** ISO 8601 UTC. */
  readonly time: string;
  readonly eventId: EventId;
  readonly disposition: Disposition;
  readonly message: string;
  readonly user: StaffRoleName | null;
  readonly details: EventDetails;
  readonly prev: string;
  readonly hash: string;
}

export type UnhashedRecord = Omit<EventRecord, 'hash'>;

export function recordHash(record: UnhashedRecord): string {
  const { seq, time, eventId, disposition, message, user, details, prev } = record;
  return sha256Hex(canonicalBytes({ seq, time, eventId, disposition, message, user, details, prev }));
}

/** Checks an input against the declarations; a wrong one is a bug and throws. */
export function checkEventInput(input: EventInput): EventDetails {
  const declaration = EVENTS[input.eventId] as { dispositions: readonly Disposition[] } | undefined;
  if (!declaration) throw new TypeError(`event id "${String(input.eventId)}" is not declared`);
  if (!declaration.dispositions.includes(input.disposition)) {
    throw new TypeError(
      `event "${input.eventId}" may not have disposition "${input.disposition}" (declared: ${declaration.dispositions.join(', ')})`,
    );
  }
  if (input.message.length > 500)
    throw new TypeError(`event "${input.eventId}": message over 500 characters`);
  const details = EventDetailsSchema.safeParse(input.details ?? {});
  if (!details.success) {
    throw new TypeError(
      `event "${input.eventId}" details refused: ${details.error.issues.map((i) => `${i.path.join('.') || '(details)'}: ${i.message}`).join('; ')}`,
    );
  }
  return details.data;
}

export function makeRecord(input: EventInput, seq: number, time: string, prev: string): EventRecord {
  const details = checkEventInput(input);
  const unhashed: UnhashedRecord = {
    seq,
    time,
    eventId: input.eventId,
    disposition: input.disposition,
    message: input.message,
    user: input.user ?? null,
    details,
    prev,
  };
  return { ...unhashed, hash: recordHash(unhashed) };
}

const StoredRecordSchema = z.strictObject({
  seq: z.int().positive(),
  time: z.string(),
  eventId: z.string().refine(isEventId, 'is not a declared event id'),
  disposition: z.enum(['success', 'failure', 'na']),
  message: z.string(),
  user: z.enum(['poll-worker', 'official', 'technician']).nullable(),
  details: EventDetailsSchema,
  prev: hex64,
  hash: hex64,
});

export interface ChainVerdict {
  readonly records: number;
  readonly valid: boolean;
  /** 0-based index of the first record that is unreadable or does not link, or null. */
  readonly firstBroken: number | null;
  readonly message: string;
}

/**
 * Verifies the chain over stored record texts (in seq order): each parses, its seq is its position,
 * its prev is the previous hash and its hash is recomputed. Reports the first fault; never throws.
 */
export function verifyChain(texts: readonly string[]): ChainVerdict {
  let prev = GENESIS_PREV;
  for (const [i, text] of texts.entries()) {
    const broken = (why: string): ChainVerdict => ({
      records: texts.length,
      valid: false,
      firstBroken: i,
      message: `the event log's hash chain is broken at record ${i + 1}: ${why}. Records from there on cannot be trusted; keep this copy and report it.`,
    });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return broken('it is not JSON');
    }
    const parsed = StoredRecordSchema.safeParse(value);
    if (!parsed.success) return broken(`it is malformed (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
    const r = parsed.data as EventRecord;
    if (r.seq !== i + 1) return broken(`its sequence number is ${r.seq}, expected ${i + 1}`);
    if (r.prev !== prev) return broken('it does not hold the hash of the record before it');
    const { hash, ...rest } = r;
    if (recordHash(rest) !== hash) return broken('its content does not match its hash');
    prev = hash;
  }
  return {
    records: texts.length,
    valid: true,
    firstBroken: null,
    message: `the hash chain holds over all ${texts.length} records`,
  };
}
