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
  trackingCodeOf,
  type BallotEntry,
  type BatchEntry,
  type CheckinEntry,
  type Envelope,
  type KioskEnrolmentEntry,
  type PollsEntry,
} from '../../protocol/entries';
import { canonicalBytes } from '../../protocol/jcs';
import { contextBytes } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import type { ElectionContext } from './election-context';
import { conflict, malformed, ruleBroken, tooBig, type Refusal } from './refusal';
import type { VerifyItem } from './verify-protocol';

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

function parseEntries(texts: readonly string[]): Result<RequestEntry[], Refusal> {
  const out: RequestEntry[] = [];
  for (const [i, text] of texts.entries()) {
    const data = utf8(text);
    if (data.length > MAX_ENTRY_BYTES) {
      return err(tooBig(`entry is ${data.length} bytes; at most ${MAX_ENTRY_BYTES}`, `entries[${i}]`));
    }
    const parsed = parseLeafText(text);
    if (!parsed.ok) {
      const first = parsed.error[0]!;
      const field = first.path ? `entries[${i}].${first.path}` : `entries[${i}]`;
      const all = parsed.error.map(formatProblem).join('; ');
      return err(malformed(field, first.path ? all.slice(first.path.length + 2) : all));
    }
    out.push({ data, hash: leafHash(data), envelope: parsed.value });
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

/** Parses and checks a POST /v1/entries body as far as it can be without the log's state. */
export function parseEntriesRequest(body: Uint8Array, ctx: ElectionContext): Result<LedgerRequest, Refusal> {
  const texts = parseBody(body, ctx.maxBatch);
  if (!texts.ok) return texts;
  const entries = parseEntries(texts.value);
  if (!entries.ok) return entries;
  const key = sha256(concatBytes(...entries.value.map((e) => e.hash)));
  const req = shape(entries.value, key);
  if (!req.ok) return req;
  const refusal = statelessRules(req.value, ctx);
  return refusal ? err(refusal) : req;
}

const ENTRY_PREFIX = utf8('{"entry":');
/** `,"sig":"` + `","signer":"` + `"}` around the base64 signature and the 64-hex signer. */
const SUFFIX_FIXED = ',"sig":"'.length + '","signer":"'.length + 64 + '"}'.length;
const COMMA = 0x2c;

/**
 * The signed message, JCS(entry) (DESIGN §3). Leaf data has passed parseCanonical, so it is exactly
 * `{"entry":` JCS(entry) `,"sig":"<base64>","signer":"<hex>"}` (keys sorted, ASCII after the entry):
 * JCS(entry) is a slice of the bytes, found by length, with no re-encoding.
 */
export function signedMessage(e: RequestEntry): Uint8Array {
  const end = e.data.length - SUFFIX_FIXED - e.envelope.sig.length;
  const fits = end > ENTRY_PREFIX.length && e.data[end] === COMMA && e.data[ENTRY_PREFIX.length - 1] === 0x3a;
  return fits ? e.data.subarray(ENTRY_PREFIX.length, end) : canonicalBytes(e.envelope.entry);
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
    message: signedMessage(e),
    // Already checked as strict base64 by the entry schema: decode without a second regex pass (a
    // Buffer is a Uint8Array; it is copied once, into the packed message to the verify threads).
    signature: Buffer.from(e.envelope.sig, 'base64'),
    context: contextOf(e.envelope.entry.type),
  }));
}
