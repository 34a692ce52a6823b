/**
 * The kiosk's RPC API (DESIGN §2): every method the renderer may call, its request schema (zod, closed:
 * unknown fields are refused), its response type, and the error union with human messages. In the
 * manner of VxSuite libs/grout, the types flow from here to the UI: renderer/ imports this file
 * type-only (`import type { KioskApi } from '../main/rpc/api'`), so it imports nothing but zod.
 *
 * Wire format (main/rpc/README.md): `POST /api/<method>`, `Authorization: Bearer <token>`,
 * `Content-Type: application/json`, body = the request object (`{}` when it has no fields). The answer
 * is always JSON `RpcResponse`: `{ok: true, value}` or `{ok: false, error}`; expected failures (wrong
 * PIN, ineligible voter, ledger unreachable) come back as values with HTTP 200, refusals of the request
 * itself (bad token, schema, size) with a 4xx status and the same error shape.
 *
 * Privacy (DESIGN §8, §9): no response ever pairs a voter's identity with their selections; the
 * document details shown to a poll worker for confirmation leave the session when it ends.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Shared values

/** A human string keyed by BCP 47 language tag (DESIGN §4: every human string is such an object). */
export type HumanString = Readonly<Record<string, string>>;
export type CardRole = 'voter' | 'poll-worker' | 'official' | 'technician';
export type StaffRole = Exclude<CardRole, 'voter'>;
/** Ids of contests, options, styles (protocol/election/primitives IDENTIFIER_RE). */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const id = z.string().regex(ID_RE, 'must be an id (letters, digits, ".", "_", "-"; at most 64 characters)');
/** A PIN as typed: digits only, 4 to 16 (PIV PINs are 6-8; HSM PINs may be longer). Never logged. */
const pin = z.string().regex(/^[0-9]{4,16}$/, 'must be 4 to 16 digits');
/** A path on the kiosk (USB stick or folder), absolute. */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => s.startsWith('/') && !s.includes('\0'), 'must be an absolute path');
const empty = z.strictObject({});

// ---------------------------------------------------------------------------------------------------
// Errors (values, never thrown across the wire)

export const RPC_ERROR_CODES = [
  // the request itself (HTTP 4xx)
  'unauthorized', // missing or wrong bearer token (401)
  'not-found', // no such method (404)
  'method-not-allowed', // not POST (405)
  'unsupported-media-type', // not application/json (415)
  'payload-too-large', // body over the cap (413)
  'bad-request', // not JSON, or refused by the method's schema; `issues` names each field (400)
  // expected failures (HTTP 200, ok: false)
  'not-permitted', // the signed-in role may not do this, or nobody is signed in
  'wrong-state', // not now: e.g. polls not open, kiosk not provisioned, no voter session
  'not-demo', // a dev dock method on a real kiosk
  'card', // card reader or card failure, PIN refused, certificate refused
  'hsm', // HSM locked, wrong HSM PIN, sealing failure
  'package', // election package or provisioning bundle refused (problems listed)
  'ledger-unreachable', // the ledger did not answer (fail closed)
  'ledger-refused', // the ledger answered with a refusal
  'unacknowledged-ballots', // unconfigure while ballots wait for the ledger
  'device', // a peripheral failed (printer jammed, scanner gone)
  'io', // a file could not be read or written
  'internal', // a bug: the message says what to report
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export interface RpcIssue {
  /** Dotted path of the field, e.g. "selections.president" ("" for the whole body). */
  readonly path: string;
  readonly message: string;
}

export interface RpcError {
  readonly code: RpcErrorCode;
  /** What went wrong and what to do, for a person. */
  readonly message: string;
  /** Field-by-field refusals (bad-request, package). */
  readonly issues?: readonly RpcIssue[];
}

export type RpcResponse<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RpcError };

// ---------------------------------------------------------------------------------------------------
// Views the backend returns

export type PollsState = 'not-open' | 'open' | 'paused' | 'closed';

export type ProvisioningStep =
  | 'unconfigured' // no election
  | 'package-loaded' // package + bundle verified; no kiosk key yet
  | 'key-created' // ML-DSA-65 key created and sealed; not enrolled yet
  | 'ready'; // enrolled with the ledger

export interface ElectionSummary {
  readonly electionId: string;
  readonly title: HumanString;
  readonly languages: readonly string[];
  readonly window: { readonly opens: string; readonly closes: string; readonly drainHours: number };
  readonly mode: 'roll' | 'sample';
  readonly ballotStyles: number;
  readonly contests: number;
  /** Valid authority signatures / the trust file's m. */
  readonly signatures: { readonly valid: number; readonly required: number };
  readonly ledgerUrl: string;
  readonly credentials: number;
}

export interface ProvisioningView {
  readonly step: ProvisioningStep;
  readonly election: ElectionSummary | null;
  /** hex SHA-256 of the kiosk public key (DESIGN §3), once created. */
  readonly kioskId: string | null;
  /** The enrolment entry's leaf index on the ledger, once acknowledged. */
  readonly enrolmentIndex: number | null;
}

export interface CheckpointView {
  readonly origin: string;
  readonly size: number;
  /** base64 root hash, as in the checkpoint body (DESIGN §6). */
  readonly rootHash: string;
  readonly cosignatures: number;
  /** When this kiosk verified it (ISO 8601). */
  readonly verifiedAt: string;
}

export interface LedgerView {
  readonly url: string | null;
  readonly reachable: boolean | null;
  readonly lastError: string | null;
  readonly ballotsWaiting: number;
  readonly chainedWaiting: number;
  readonly lastAcknowledgedCheckpoint: CheckpointView | null;
}

export type AlarmKind =
  | 'tamper' // enclosure lid open
  | 'power' // on battery, or battery low
  | 'printer' // jammed, paper out, offline
  | 'device-missing' // a device does not answer
  | 'ledger-unreachable'
  | 'hsm-locked';

export interface Alarm {
  readonly kind: AlarmKind;
  readonly device: string;
  readonly message: string;
  /** ISO 8601 time it was raised. */
  readonly since: string;
  /** Blocking alarms stop voting until cleared (tamper). */
  readonly blocking: boolean;
}

/**
 * Why the last PIN was refused, for the UI to say in the voter's language (main/auth/card-errors.ts):
 * `incorrect` (wrong PIN: the card's own tries left are in cardCountLow/cardFinalTry), `length` (the
 * card refused the number of digits), `locked-out` (this kiosk refuses a PIN for this card until
 * `lockedUntil`), `other` (only the English `lastError` says what happened).
 */
export type PinErrorCode = 'incorrect' | 'length' | 'locked-out' | 'other';

export interface PinPromptView {
  readonly kioskFailures: number;
  /** ISO 8601 time until which this kiosk refuses a PIN for this card, or null. */
  readonly lockedUntil: string | null;
  readonly cardCountLow: boolean;
  readonly cardFinalTry: boolean;
  /** Why the last PIN was refused (English, for a person). */
  readonly lastError: string | null;
  /** The same as a code, or null when no PIN was refused. */
  readonly lastErrorCode: PinErrorCode | null;
}

/**
 * Why a card cannot be used (CardView `failed`), for the UI to say in the voter's language; the English
 * `message` stays for the poll worker. Mapped from the drivers' typed errors (main/auth/card-errors.ts).
 */
export type CardFailureReason =
  | 'expired' // the card's certificate has expired
  | 'not-yet-valid' // its certificate is not valid yet (or the kiosk's clock is wrong)
  | 'not-trusted' // not issued for this election by a trusted authority, or failed its proof of key
  | 'wrong-role' // a card for another role, or naming no known role
  | 'removed' // pulled out or reset while in use
  | 'unreadable' // the card or reader could not be read
  | 'pin-locked' // the card locked its PIN after too many wrong tries
  | 'pin-expired' // the card's PIN has expired
  | 'locked-out' // this kiosk refuses a PIN for this card until `lockedUntil`
  | 'other';

/** The card in the reader (one at a time): any role, PIV-style authentication (DESIGN §8). */
export type CardView =
  | { readonly status: 'no-card' }
  | { readonly status: 'reading'; readonly label: string }
  | {
      readonly status: 'awaiting-pin';
      readonly label: string;
      readonly role: CardRole;
      readonly prompt: PinPromptView;
    }
  | { readonly status: 'verifying'; readonly label: string; readonly role: CardRole }
  | { readonly status: 'authenticated'; readonly label: string; readonly role: CardRole }
  /** Signed out with the card still in: remove it to sign in again. */
  | { readonly status: 'signed-out'; readonly label: string }
  | {
      readonly status: 'failed';
      readonly label: string;
      readonly reason: CardFailureReason;
      /** For `locked-out`: ISO 8601 time until which this kiosk refuses a PIN for this card; else null. */
      readonly lockedUntil: string | null;
      /** What went wrong and what to do (English, for the poll worker). */
      readonly message: string;
    };

/** The signed-in staff member (their card authenticated and still inserted). */
export interface StaffView {
  readonly role: StaffRole;
  /** The card certificate's subject common name (a staff name, not voter data). */
  readonly name: string;
}

export interface OptionView {
  readonly id: string;
  readonly label: HumanString;
}

export interface ContestView {
  readonly id: string;
  readonly question: HumanString;
  readonly maxChoices: number;
  readonly options: readonly OptionView[];
  /** District id or "global". */
  readonly scope: string;
}

export interface BallotView {
  readonly styleId: string;
  readonly languages: readonly string[];
  readonly contests: readonly ContestView[];
}

/** contestId → chosen option ids (an empty list or a missing contest is a blank vote, DESIGN §4). */
export type Selections = Readonly<Record<string, readonly string[]>>;

/** What a poll worker compares with the person at the kiosk; never logged, gone when the session ends. */
export interface DocumentView {
  readonly format: 'mrz-td1' | 'mrz-td2' | 'mrz-td3' | 'aamva';
  readonly documentType: string;
  readonly issuingState: string;
  readonly surname: string;
  readonly givenNames: string;
  readonly birthDate: string | null;
  readonly expiryDate: string | null;
  readonly nationality: string | null;
  /** Every check digit holds. */
  readonly valid: boolean;
}

export type IneligibleReason =
  | 'kiosk-not-open'
  | 'outside-window'
  | 'under-age'
  | 'nationality'
  | 'unknown-credential'
  | 'not-on-roll'
  | 'not-in-sample'
  | 'already-checked-in'
  | 'document-invalid'
  | 'document-rejected'
  | 'card-refused';

export interface ReceiptView {
  /** DESIGN §5: XXXX-XXXX-XXXX-XXXX. */
  readonly trackingCode: string;
  /** What the QR code holds: the ledger's lookup URL for this code. */
  readonly qrPayload: string;
  /** The QR code as an SVG data URL (data:image/svg+xml;base64,...), for an <img>. */
  readonly qrSvgDataUrl: string;
  readonly printed: { readonly ok: true } | { readonly ok: false; readonly message: string };
}

export type VoterEndReason = 'finished' | 'cancelled' | 'timeout' | 'card-removed' | 'refused';

/** The voter session (main/session): one voter at a time. */
export type VoterView =
  | { readonly phase: 'idle' }
  /** Voter card inserted; its PIN and certificate are in `card`. */
  | { readonly phase: 'identifying'; readonly method: 'card' }
  /** Document scanned: a poll worker must sign in and confirm it matches the person. */
  | { readonly phase: 'awaiting-confirmation'; readonly document: DocumentView }
  /** Eligibility checks and the check-in round trip to the ledger. */
  | { readonly phase: 'checking-in' }
  | { readonly phase: 'ineligible'; readonly reason: IneligibleReason; readonly message: string }
  /** The check-in could not be acknowledged: fail closed (DESIGN §5). `retry` may be tried. */
  | { readonly phase: 'check-in-failed'; readonly message: string }
  | { readonly phase: 'ballot'; readonly ballot: BallotView; readonly selections: Selections }
  | {
      readonly phase: 'review';
      readonly ballot: BallotView;
      readonly selections: Selections;
      /** Must be echoed by castBallot: a stale screen never casts other selections. */
      readonly revision: number;
    }
  | { readonly phase: 'casting' }
  | { readonly phase: 'cast'; readonly receipt: ReceiptView }
  | { readonly phase: 'ended'; readonly reason: VoterEndReason; readonly message: string };

export interface VoterSessionView {
  readonly voter: VoterView;
  /** ISO 8601 time the session ends if nobody touches it, or null when no session runs. */
  readonly expiresAt: string | null;
}

export interface KioskStatus {
  /** Bumped on every change; pass it to watchStatus. */
  readonly revision: number;
  readonly mode: 'demo' | 'real';
  readonly now: string;
  readonly provisioning: ProvisioningView;
  readonly polls: PollsState;
  /** The HSM is locked: an official must enter its PIN before voting (DESIGN §8). */
  readonly locked: boolean;
  readonly counts: { readonly checkins: number; readonly ballots: number };
  readonly ledger: LedgerView;
  readonly alarms: readonly Alarm[];
  readonly card: CardView;
  readonly staff: StaffView | null;
  readonly session: VoterSessionView;
}

export interface StyleCount {
  readonly style: string;
  readonly checkins: number;
  readonly ballots: number;
}

export interface PollsReport {
  readonly kind: 'zero' | 'close';
  readonly electionId: string;
  readonly kioskId: string;
  readonly generatedAt: string;
  readonly totals: { readonly checkins: number; readonly ballots: number };
  readonly byStyle: readonly StyleCount[];
  /** The signed polls entry (open or close) this report goes with. */
  readonly pollsEntry: { readonly seq: number; readonly leafHash: string; readonly acknowledged: boolean };
  readonly ballotsWaiting: number;
  readonly lastAcknowledgedCheckpoint: CheckpointView | null;
}

export interface ReportDocument {
  readonly report: PollsReport;
  /** A complete HTML document for the browser's print dialog. */
  readonly html: string;
}

export interface PollsView {
  readonly polls: PollsState;
  readonly report: ReportDocument | null;
}

export interface DeviceDiagnosticsView {
  readonly kind: 'card-reader' | 'hsm' | 'id-scanner' | 'peripheral-controller';
  readonly id: string;
  readonly real: boolean;
  readonly present: boolean;
  readonly identity: Readonly<Record<string, string | undefined>> | null;
  readonly selfTest: readonly {
    readonly name: string;
    readonly passed: boolean;
    readonly detail: string;
    readonly durationMs: number;
  }[];
  readonly latency: {
    readonly samples: number;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
    readonly maxMs: number | null;
  };
  readonly errorCounts: Readonly<Record<string, number>>;
  readonly advice: readonly string[];
  readonly checkedAt: string;
}

export interface DiagnosticsView {
  readonly devices: readonly DeviceDiagnosticsView[];
  readonly ledger: LedgerView;
  readonly eventLog: EventLogCheck;
}

export interface EventLogCheck {
  readonly records: number;
  /** The hash chain holds from the first record to the last. */
  readonly chainValid: boolean;
  /** Index of the first record whose chain link is broken, or null. */
  readonly firstBroken: number | null;
  readonly message: string;
}

export interface LogExport {
  readonly check: EventLogCheck;
  /** Where the NIST SP 1500-101 JSON was written, when a path was given. */
  readonly writtenTo: string | null;
  /** The CDF document itself, when no path was given. */
  readonly cdf: unknown;
}

export interface DevFixtures {
  readonly cards: readonly {
    readonly label: string;
    readonly role: CardRole;
    readonly description: string;
    readonly pin: string;
  }[];
  readonly documents: readonly { readonly name: string; readonly description: string }[];
  readonly hsmPin: string;
  /** The demo election's folder on this machine (election.json and provisioning-bundle.json), for loadElection. */
  readonly electionDir: string;
  readonly insertedCard: string | null;
  readonly lid: 'open' | 'closed';
  readonly power: 'mains' | 'battery';
  readonly printer: 'ready' | 'jammed' | 'paper-out' | 'offline';
  readonly ledgerRunning: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Requests: one closed schema per method

const selections = z
  .record(id, z.array(id).max(64, 'at most 64 options per contest'))
  .refine((r) => Object.keys(r).length <= 256, 'at most 256 contests');

export const requestSchemas = {
  // status (anyone with the token)
  getStatus: empty,
  /** Long poll: answers when the revision is past `after`, or after `timeoutMs` (at most 25 s). */
  watchStatus: z.strictObject({
    after: z.int().nonnegative(),
    timeoutMs: z.int().min(0).max(25_000).optional(),
  }),

  // cards (any role): the PIN goes to the card in the reader; never logged
  enterCardPin: z.strictObject({ pin }),
  /** Staff sign out while their card stays in. */
  logOut: empty,

  // voter
  /** The voter is still there: pushes the inactivity timeout back. */
  keepAlive: empty,
  /** Ballot → review: validated against the style (known contests and options, maxChoices). */
  reviewBallot: z.strictObject({ selections }),
  /** Review → ballot, to change a choice. */
  editBallot: empty,
  castBallot: z.strictObject({ revision: z.int().nonnegative() }),
  reprintReceipt: empty,
  /** After check-in-failed: send the same check-in again (the very same bytes, DESIGN §3). */
  retryCheckIn: empty,
  /** The voter leaves (before casting; a cast ballot is already safe). */
  cancelVoterSession: empty,
  /** Receipt seen, or an ended/ineligible screen acknowledged: back to idle. */
  finishVoterSession: empty,

  // poll worker (or official)
  /** The person at the kiosk matches the scanned document (or not). */
  confirmDocument: z.strictObject({ matches: z.boolean() }),

  // official
  /** A folder holding election.json and provisioning-bundle.json, or the package file and bundle file. */
  loadElection: z.strictObject({ path: absolutePath, bundlePath: absolutePath.optional() }),
  /** Unlocks the HSM with its PIN, creates (or reuses) its sealing key, creates and seals the kiosk key. */
  createKioskKey: z.strictObject({ hsmPin: pin }),
  /** Signs the kiosk-enrolment entry with the official's card and sends it to the ledger. */
  enrolKiosk: empty,
  /** After a restart: the HSM PIN unseals the kiosk key (DESIGN §8). */
  unlockHsm: z.strictObject({ hsmPin: pin }),
  openPolls: empty,
  pausePolls: empty,
  resumePolls: empty,
  closePolls: empty,
  getReport: z.strictObject({ kind: z.enum(['zero', 'close']) }),
  /** Prints the report's summary on the receipt printer. */
  printReport: z.strictObject({ kind: z.enum(['zero', 'close']) }),
  /** Wipes keys and data; refused while ballots wait, unless `override` gives a reason (logged). */
  unconfigure: z.strictObject({
    override: z
      .strictObject({ reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(500) })
      .optional(),
  }),

  // technician (or official)
  getDiagnostics: empty,
  exportEventLog: z.strictObject({ path: absolutePath.optional() }),

  // dev dock (demo mode only)
  devFixtures: empty,
  devInsertCard: z.strictObject({ label: z.string().min(1).max(64) }),
  devRemoveCard: empty,
  devScanDocument: z.strictObject({ name: z.string().min(1).max(128) }),
  devSetLid: z.strictObject({ open: z.boolean() }),
  devSetPower: z.strictObject({ source: z.enum(['mains', 'battery']) }),
  devSetPrinter: z.strictObject({ state: z.enum(['ready', 'jammed', 'paper-out', 'offline']) }),
  devSetLedger: z.strictObject({ running: z.boolean() }),
} as const;

export type RpcMethod = keyof typeof requestSchemas;
export type RpcRequest<M extends RpcMethod> = z.input<(typeof requestSchemas)[M]>;

interface Outputs {
  getStatus: KioskStatus;
  watchStatus: KioskStatus;
  enterCardPin: CardView;
  logOut: CardView;
  keepAlive: VoterSessionView;
  reviewBallot: VoterSessionView;
  editBallot: VoterSessionView;
  castBallot: VoterSessionView;
  reprintReceipt: VoterSessionView;
  retryCheckIn: VoterSessionView;
  cancelVoterSession: VoterSessionView;
  finishVoterSession: VoterSessionView;
  confirmDocument: VoterSessionView;
  loadElection: ProvisioningView;
  createKioskKey: ProvisioningView;
  enrolKiosk: ProvisioningView;
  unlockHsm: KioskStatus;
  openPolls: PollsView;
  pausePolls: PollsView;
  resumePolls: PollsView;
  closePolls: PollsView;
  getReport: ReportDocument;
  printReport: { readonly printed: true };
  unconfigure: ProvisioningView;
  getDiagnostics: DiagnosticsView;
  exportEventLog: LogExport;
  devFixtures: DevFixtures;
  devInsertCard: DevFixtures;
  devRemoveCard: DevFixtures;
  devScanDocument: DevFixtures;
  devSetLid: DevFixtures;
  devSetPower: DevFixtures;
  devSetPrinter: DevFixtures;
  devSetLedger: DevFixtures;
}

export type RpcResponseValue<M extends RpcMethod> = Outputs[M];

/** The whole API as one type, grout-style: `KioskApi['castBallot']['output']`. */
export type KioskApi = {
  readonly [M in RpcMethod]: { readonly input: RpcRequest<M>; readonly output: Outputs[M] };
};

/**
 * Who may call each method (main/auth enforces it; the UI uses it to show only what may work).
 * `anyone`: every holder of the token (the page). `voter`: while a voter session runs. `poll-worker`: a
 * signed-in poll worker or official. `technician`: a signed-in technician or official. `official`: a
 * signed-in official only. `demo`: the dev dock, in demo mode only.
 */
export type MethodAccess = 'anyone' | 'voter' | 'poll-worker' | 'official' | 'technician' | 'demo';

export const METHOD_ACCESS: { readonly [M in RpcMethod]: MethodAccess } = {
  getStatus: 'anyone',
  watchStatus: 'anyone',
  enterCardPin: 'anyone',
  logOut: 'anyone',
  keepAlive: 'voter',
  reviewBallot: 'voter',
  editBallot: 'voter',
  castBallot: 'voter',
  reprintReceipt: 'voter',
  retryCheckIn: 'voter',
  cancelVoterSession: 'voter',
  finishVoterSession: 'anyone',
  confirmDocument: 'poll-worker',
  loadElection: 'official',
  createKioskKey: 'official',
  enrolKiosk: 'official',
  unlockHsm: 'official',
  openPolls: 'official',
  pausePolls: 'poll-worker',
  resumePolls: 'poll-worker',
  closePolls: 'official',
  getReport: 'poll-worker',
  printReport: 'poll-worker',
  unconfigure: 'official',
  getDiagnostics: 'technician',
  exportEventLog: 'technician',
  devFixtures: 'demo',
  devInsertCard: 'demo',
  devRemoveCard: 'demo',
  devScanDocument: 'demo',
  devSetLid: 'demo',
  devSetPower: 'demo',
  devSetPrinter: 'demo',
  devSetLedger: 'demo',
};

export const RPC_METHODS = Object.keys(requestSchemas) as readonly RpcMethod[];

/** Largest request body the server reads (bytes); a bigger one gets payload-too-large. */
export const MAX_REQUEST_BYTES = 64 * 1024;
