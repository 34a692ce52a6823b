/**
 * The log entries of DESIGN §5 (normative), as CLOSED zod schemas (unknown fields refused), and the
 * envelope `{entry, signer, sig}` of DESIGN §3 whose JCS is a leaf's data.
 */
import { z } from 'zod';
import { base64, count, hexBytes, hex32, identifier, positiveInt, says } from '../election/primitives';
import { ElectionIdSchema } from '../election/schema';
import { VoterRefSchema } from '../voters/voter-ref';
import { KioskIdSchema } from './kiosk-id';

function object<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, says(`must be an object ${what}`));
}

const v1 = z.literal(1, says('must be 1'));

export const CheckinEntrySchema = object(
  {
    v: v1,
    type: z.literal('checkin'),
    election: ElectionIdSchema,
    kiosk: KioskIdSchema,
    voterRef: VoterRefSchema,
    style: identifier,
  },
  '{v, type, election, kiosk, voterRef, style}',
);
export type CheckinEntry = z.infer<typeof CheckinEntrySchema>;

/** Tracker: 16 fresh random bytes (hex), so that two identical ballots have different leaves. */
export const TRACKER_BYTES = 16;

export const BallotEntrySchema = object(
  {
    v: v1,
    type: z.literal('ballot'),
    election: ElectionIdSchema,
    kiosk: KioskIdSchema,
    style: identifier,
    selections: z.record(
      identifier,
      z.array(identifier, says('must be an array of option ids')),
      says('must be an object {contestId: [optionId…]}'),
    ),
    tracker: hexBytes(TRACKER_BYTES),
  },
  '{v, type, election, kiosk, style, selections, tracker}',
);
export type BallotEntry = z.infer<typeof BallotEntrySchema>;

export const BatchEntrySchema = object(
  {
    v: v1,
    type: z.literal('batch'),
    election: ElectionIdSchema,
    kiosk: KioskIdSchema,
    seq: positiveInt,
    prev: hex32,
    count,
    root: hex32,
    final: z.boolean(says('must be true or false')),
  },
  '{v, type, election, kiosk, seq, prev, count, root, final}',
);
export type BatchEntry = z.infer<typeof BatchEntrySchema>;

export const POLLS_EVENTS = ['open', 'pause', 'resume', 'close'] as const;
export type PollsEvent = (typeof POLLS_EVENTS)[number];

export const PollsEntrySchema = object(
  {
    v: v1,
    type: z.literal('polls'),
    election: ElectionIdSchema,
    kiosk: KioskIdSchema,
    seq: positiveInt,
    prev: hex32,
    event: z.enum(POLLS_EVENTS, says('must be "open", "pause", "resume" or "close"')),
    counts: object({ checkins: count, ballots: count }, '{checkins, ballots}'),
  },
  '{v, type, election, kiosk, seq, prev, event, counts}',
);
export type PollsEntry = z.infer<typeof PollsEntrySchema>;

export const KioskEnrolmentEntrySchema = object(
  {
    v: v1,
    type: z.literal('kiosk-enrolment'),
    election: ElectionIdSchema,
    kiosk: KioskIdSchema,
    publicKey: base64,
    official: object({ cert: base64, sig: base64 }, '{cert, sig}'),
  },
  '{v, type, election, kiosk, publicKey, official}',
);
export type KioskEnrolmentEntry = z.infer<typeof KioskEnrolmentEntrySchema>;

export const EntrySchema = z.discriminatedUnion(
  'type',
  [CheckinEntrySchema, BallotEntrySchema, BatchEntrySchema, PollsEntrySchema, KioskEnrolmentEntrySchema],
  {
    error: (issue) =>
      issue.input === undefined ? 'is required' : 'must be an entry object with a known "type"',
  },
);
export type Entry = z.infer<typeof EntrySchema>;
export type EntryType = Entry['type'];
/** Entries on a kiosk's chain (DESIGN §5 "Kiosk chain"). */
export type ChainedEntry = BatchEntry | PollsEntry;

export const EnvelopeSchema = object(
  { entry: EntrySchema, signer: KioskIdSchema, sig: base64 },
  '{entry, signer, sig}',
);
export type Envelope = z.infer<typeof EnvelopeSchema>;
/** An envelope whose entry is of one type. */
export type EnvelopeOf<T extends Entry> = Omit<Envelope, 'entry'> & { readonly entry: T };
