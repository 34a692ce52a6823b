/**
 * `POST /v1/entries` body → a typed request, with every check that needs neither the log's state nor
 * the clock (DESIGN §5, §6): the body shape `{entries: [string]}`, each string canonical leaf data of a
 * closed entry schema (400 naming the field), at most `maxBatch` strings (413), one request = one
 * check-in, one kiosk enrolment, one polls event, or one batch manifest followed by exactly its `count`
 * ballots; the election id, the batch's kiosk on every ballot, its `root`, `minBatch` for a non-final
 * batch, ballots valid for their style, no leaf or tracker twice in the request (422/409).
 */
import { concatBytes, toHex, utf8 } from '../../protocol/bytes';
import { formatProblem } from '../../protocol/election/problems';
import { sha256 } from '../../protocol/hash';
import { leafHash, rootFromLeafHashes } from '../../protocol/merkle';
import {
  checkEntryAgainstElection,
  entryPurpose,
  parseLeafText,
  signedMessage,
  trackingCodeOf,
  type BallotEntry,
  type BatchEntry,
  type CheckinEntry,
  type Envelope,
  type KioskEnrolmentEntry,
  type PollsEntry,
} from '../../protocol/entries';
import { contextBytes } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import type { ElectionContext } from './election-context';
import { conflict, malformed, ruleBroken, tooBig, type Refusal } from './refusal';
import type { VerifyPool } from './verify-pool';
import type { ParsedItem, VerifyItem } from './verify-protocol';

/** One entry of a request: its exact leaf data, leaf hash, and parsed envelope. */
export interface RequestEntry {
  readonly data: Uint8Array;
  readonly hash: Uint8Array;
  readonly envelope: Envelope;
}

interface Common {
  /** SHA-256 over the request's leaf hashes in order: identical bytes resent have the same key. */
  readonly key: Uint8Array;
  readonly kiosk: string;
  readonly entries: readonly RequestEntry[];
}

export type LedgerRequest =
  | (Common & { readonly kind: 'checkin'; readonly checkin: CheckinEntry })
  | (Common & { readonly kind: 'enrolment'; readonly enrolment: KioskEnrolmentEntry })
  | (Common & { readonly kind: 'polls'; readonly polls: PollsEntry })
  | (Common & {
      readonly kind: 'batch';
      readonly batch: BatchEntry;
      readonly ballots: readonly {
        readonly entry: BallotEntry;
        readonly tracker: string;
        readonly code: string;
      }[];
    });

/** Upper bound of one entry's leaf data: an enrolment (key, certificate, two signatures) is ~12 kB. */
export const MAX_ENTRY_BYTES = 32 * 1024;

/** The body cap checked before parsing: maxBatch entries of the largest size, JSON-escaped, and slack. */
export function maxBodyBytes(maxBatch: number): number {
  return maxBatch * (MAX_ENTRY_BYTES + 1024) + 4096;
}

function parseBody(body: Uint8Array, maxBatch: number): Result<string[], Refusal> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    return err(malformed('', `the body is not JSON: ${(e as Error).message}`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err(malformed('', 'the body must be an object {entries: [string]}'));
  }
  const extra = Object.keys(value).find((k) => k !== 'entries');
  if (extra !== undefined) return err(malformed(extra, 'unknown field (the body is {entries: [string]})'));
  const entries = (value as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return err(malformed('entries', 'must be an array of strings (leaf data)'));
  if (entries.length === 0) return err(malformed('entries', 'must hold at least one entry'));
  if (entries.length > maxBatch) {
    return err(tooBig(`${entries.length} entries in one request; limits.maxBatch is ${maxBatch}`, 'entries'));
  }
  const bad = entries.findIndex((e) => typeof e !== 'string');
  if (bad >= 0) return err(malformed(`entries[${bad}]`, 'must be a string: the exact leaf data (JCS)'));
  return ok(entries as string[]);
}

/** Entry i as the request holds it, or the refusal naming what is wrong with it. */
function requestEntry(
  i: number,
  data: Uint8Array,
  hash: Uint8Array,
  item: ParsedItem,
): Result<RequestEntry, Refusal> {
  switch (item.kind) {
    case 'too-big':
      return err(tooBig(`entry is ${item.bytes} bytes; at most ${MAX_ENTRY_BYTES}`, `entries[${i}]`));
    case 'malformed': {
      const first = item.problems[0]!;
      const field = first.path ? `entries[${i}].${first.path}` : `entries[${i}]`;
      const all = item.problems.map(formatProblem).join('; ');
      return err(malformed(field, first.path ? all.slice(first.path.length + 2) : all));
    }
    case 'entry':
      return ok({ data, hash, envelope: item.envelope });
  }
}

/** Parses one entry on this thread (ParseTask's work without the signature). */
function parseHere(text: string): { data: Uint8Array; hash: Uint8Array; item: ParsedItem } {
  const data = utf8(text);
  if (data.length > MAX_ENTRY_BYTES)
    return { data, hash: new Uint8Array(32), item: { kind: 'too-big', bytes: data.length } };
  const parsed = parseLeafText(text);
  const item: ParsedItem = parsed.ok
    ? { kind: 'entry', envelope: parsed.value, sig: 'unchecked' }
    : { kind: 'malformed', problems: parsed.error };
  return { data, hash: leafHash(data), item };
}

function parseEntries(
  parsed: readonly { data: Uint8Array; hash: Uint8Array; item: ParsedItem }[],
): Result<RequestEntry[], Refusal> {
  const out: RequestEntry[] = [];
  for (const [i, p] of parsed.entries()) {
    const e = requestEntry(i, p.data, p.hash, p.item);
    if (!e.ok) return e;
    out.push(e.value);
  }
  return ok(out);
}

/** Request shape (DESIGN §6: one check-in, one chained entry with its ballots, or one enrolment). */
function shape(entries: readonly RequestEntry[], key: Uint8Array): Result<LedgerRequest, Refusal> {
  const first = entries[0]!.envelope.entry;
  const common = { key, kiosk: first.kiosk, entries };
  const alone = (what: string): Result<never, Refusal> =>
    err(malformed('entries', `a ${what} is sent alone: one entry per request, got ${entries.length}`));
  switch (first.type) {
    case 'checkin':
      return entries.length === 1 ? ok({ ...common, kind: 'checkin', checkin: first }) : alone('check-in');
    case 'kiosk-enrolment':
      return entries.length === 1
        ? ok({ ...common, kind: 'enrolment', enrolment: first })
        : alone('kiosk enrolment');
    case 'polls':
      return entries.length === 1 ? ok({ ...common, kind: 'polls', polls: first }) : alone('polls event');
    case 'ballot':
      return err(malformed('entries[0]', 'a ballot is sent after its batch manifest, never first'));
    case 'batch': {
      const ballots: { entry: BallotEntry; tracker: string; code: string }[] = [];
      for (const [i, e] of entries.slice(1).entries()) {
        const entry = e.envelope.entry;
        if (entry.type !== 'ballot') {
          return err(
            malformed(
              `entries[${i + 1}].entry.type`,
              `a batch manifest is followed by ballots only, got "${entry.type}"`,
            ),
          );
        }
        ballots.push({ entry, tracker: entry.tracker, code: trackingCodeOf(e.hash) });
      }
      if (first.count !== ballots.length) {
        return err(
          ruleBroken(
            'batch-count',
            `the manifest says count ${first.count} but ${ballots.length} ballots follow it`,
            'entries[0].entry.count',
          ),
        );
      }
      return ok({ ...common, kind: 'batch', batch: first, ballots });
    }
  }
}

/** Checks that need only the package: election, ballots, batch root and size, duplicates within. */
function statelessRules(req: LedgerRequest, ctx: ElectionContext): Refusal | null {
  for (const [i, e] of req.entries.entries()) {
    const checked = checkEntryAgainstElection(e.envelope.entry, ctx.election);
    if (!checked.ok) {
      const rule =
        e.envelope.entry.election !== ctx.electionId
          ? 'election'
          : e.envelope.entry.type === 'ballot'
            ? 'ballot-selections'
            : 'election-package';
      return ruleBroken(rule, `entries[${i}]: ${checked.error.join('; ')}`, `entries[${i}].entry`);
    }
  }
  const seen = new Set<string>();
  for (const [i, e] of req.entries.entries()) {
    const h = Buffer.from(e.hash).toString('hex');
    if (seen.has(h))
      return conflict(
        'duplicate-leaf',
        `entries[${i}] repeats an earlier entry of this request`,
        `entries[${i}]`,
      );
    seen.add(h);
  }
  if (req.kind !== 'batch') return null;
  const { batch, ballots } = req;
  for (const [i, b] of ballots.entries()) {
    if (b.entry.kiosk !== batch.kiosk) {
      return ruleBroken(
        'batch-kiosk',
        `ballot ${i + 1} is from kiosk ${b.entry.kiosk}, its manifest from ${batch.kiosk}`,
        `entries[${i + 1}].entry.kiosk`,
      );
    }
  }
  const trackers = new Set<string>();
  for (const [i, b] of ballots.entries()) {
    if (trackers.has(b.tracker))
      return conflict(
        'duplicate-tracker',
        `ballot tracker ${b.tracker} appears twice in this batch`,
        `entries[${i + 1}].entry.tracker`,
      );
    trackers.add(b.tracker);
  }
  // batchRoot over the ballots' leaf data, from the leaf hashes already computed (DESIGN §5).
  const root = toHex(rootFromLeafHashes(req.entries.slice(1).map((e) => e.hash)));
  if (root !== batch.root) {
    return ruleBroken(
      'batch-root',
      `the manifest's root ${batch.root} is not the RFC 6962 root of its ballots (${root})`,
      'entries[0].entry.root',
    );
  }
  if (!batch.final && batch.count < ctx.minBatch) {
    return ruleBroken(
      'min-batch',
      `a batch that is not final holds at least privacy.minBatch = ${ctx.minBatch} ballots; this one has ${batch.count}`,
      'entries[0].entry.count',
    );
  }
  return null;
}

function requestOf(
  entries: Result<RequestEntry[], Refusal>,
  ctx: ElectionContext,
): Result<LedgerRequest, Refusal> {
  if (!entries.ok) return entries;
  const key = sha256(concatBytes(...entries.value.map((e) => e.hash)));
  const req = shape(entries.value, key);
  if (!req.ok) return req;
  const refusal = statelessRules(req.value, ctx);
  return refusal ? err(refusal) : req;
}

/** A request parsed on the pool, with its entries' signature verdicts when its kiosk key was known. */
export interface PooledRequest {
  readonly req: LedgerRequest;
  /** Per entry, true where the signature holds under the request kiosk's key; absent when not checked. */
  readonly signatures?: readonly boolean[];
}

/** Below this many entries a request is parsed on the main thread: a round trip costs more. */
const POOL_MIN_ENTRIES = 16;

/**
 * A POST /v1/entries body, parsed and checked as far as it can be without the log's state. The entries
 * of a large request are parsed on the pool's threads, where their signatures are also checked when the
 * request's kiosk is enrolled (`keyOf`): for a batch of 500 ballots this is most of the work of a
 * request, and the main thread (which appends) stays free. The refusals are the same, in the same
 * order: the signature verdicts are looked at only later, by RequestVerifier.check.
 */
export async function parseEntriesRequestOnPool(
  body: Uint8Array,
  ctx: ElectionContext,
  pool: VerifyPool,
  keyOf: (kiosk: string) => Uint8Array | undefined,
): Promise<Result<PooledRequest, Refusal>> {
  const texts = parseBody(body, ctx.maxBatch);
  if (!texts.ok) return texts;
  if (texts.value.length < POOL_MIN_ENTRIES) {
    const req = requestOf(parseEntries(texts.value.map(parseHere)), ctx);
    return req.ok ? ok({ req: req.value }) : req;
  }
  // The kiosk whose key checks every signature: the first entry's (a manifest or polls event).
  const head = parseLeafText(texts.value[0]!);
  const kiosk = head.ok && head.value.entry.type !== 'kiosk-enrolment' ? head.value.entry.kiosk : undefined;
  const publicKey = kiosk === undefined ? undefined : keyOf(kiosk);
  const pooled = await pool.parse(texts.value, publicKey ?? null, MAX_ENTRY_BYTES);
  const req = requestOf(parseEntries(pooled), ctx);
  if (!req.ok) return req;
  return ok(
    publicKey === undefined
      ? { req: req.value }
      : { req: req.value, signatures: pooled.map((p) => p.item.kind === 'entry' && p.item.sig === 'valid') },
  );
}

const CONTEXTS = new Map<string, Uint8Array>();
function contextOf(type: RequestEntry['envelope']['entry']['type']): Uint8Array {
  let c = CONTEXTS.get(type);
  if (!c) CONTEXTS.set(type, (c = contextBytes(entryPurpose(type))));
  return c;
}

/** The verifications of a request's envelopes, with the kiosk key (from the enrolment itself, or enrolled). */
export function verifyItems(req: LedgerRequest, publicKey: Uint8Array): VerifyItem[] {
  return req.entries.map((e) => ({
    level: 65,
    publicKey,
    message: signedMessage(e.data, e.envelope),
    // Already checked as strict base64 by the entry schema: decode without a second regex pass (a
    // Buffer is a Uint8Array; it is copied once, into the packed message to the verify threads).
    signature: Buffer.from(e.envelope.sig, 'base64'),
    context: contextOf(e.envelope.entry.type),
  }));
}
