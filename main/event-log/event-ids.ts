/**
 * Every event the kiosk logs, declared once with its type, the dispositions it may carry and what it
 * means (DESIGN §8: declared event ids; in the manner of VxSuite libs/logging, whose ids and
 * documentation come from one table). An id not declared here cannot be logged (a compile error), and
 * a disposition not declared for an id is a bug (the log throws).
 *
 * `type` follows NIST SP 1500-101 usage as VxSuite writes it: who caused the event.
 */

export type EventType = 'user-action' | 'system-action' | 'system-status' | 'device' | 'voter';
/** NIST SP 1500-101 EventDispositionType (without `other`). */
export type Disposition = 'success' | 'failure' | 'na';

export interface EventDeclaration {
  readonly type: EventType;
  readonly dispositions: readonly Disposition[];
  readonly description: string;
}

const ok = ['success'] as const;
const both = ['success', 'failure'] as const;
const na = ['na'] as const;

export const EVENTS = {
  // kiosk
  'kiosk-started': { type: 'system-action', dispositions: ok, description: 'The kiosk backend started.' },
  'kiosk-stopped': {
    type: 'system-action',
    dispositions: ok,
    description: 'The kiosk backend stopped cleanly.',
  },
  'rpc-refused': {
    type: 'system-status',
    dispositions: ['failure'],
    description: 'An RPC request was refused before reaching a method (token, size, type, schema).',
  },
  'rpc-fault': {
    type: 'system-status',
    dispositions: ['failure'],
    description: 'An RPC method failed with an unexpected error (a bug; the server stayed up).',
  },
  // cards and staff sessions (DESIGN §8)
  'card-inserted': { type: 'device', dispositions: na, description: 'A card was inserted in the reader.' },
  'card-removed': { type: 'device', dispositions: na, description: 'The card was removed from the reader.' },
  'card-authenticated': {
    type: 'user-action',
    dispositions: both,
    description:
      'Card authentication ended: PIN, certificate chain and challenge signature (role in details).',
  },
  'card-pin-refused': {
    type: 'user-action',
    dispositions: ['failure'],
    description: 'A card PIN was refused (the PIN itself is never logged).',
  },
  'staff-logged-out': { type: 'user-action', dispositions: ok, description: 'A staff member signed out.' },
  'access-denied': {
    type: 'user-action',
    dispositions: ['failure'],
    description: 'A method was refused because the signed-in role may not use it.',
  },
  // provisioning
  'election-loaded': {
    type: 'user-action',
    dispositions: both,
    description: 'An election package and provisioning bundle were loaded and verified (or refused).',
  },
  'kiosk-key-created': {
    type: 'user-action',
    dispositions: both,
    description: "The kiosk's ML-DSA-65 key was created and sealed by the HSM.",
  },
  'hsm-unlocked': { type: 'user-action', dispositions: both, description: 'The HSM PIN was entered.' },
  'hsm-locked': { type: 'system-action', dispositions: ok, description: 'The HSM was locked.' },
  'kiosk-enrolled': {
    type: 'user-action',
    dispositions: both,
    description: 'The kiosk-enrolment entry, countersigned by an official card, was sent to the ledger.',
  },
  unconfigured: {
    type: 'user-action',
    dispositions: both,
    description: 'Keys and election data were wiped (or the wipe was refused).',
  },
  'unconfigure-override': {
    type: 'user-action',
    dispositions: ok,
    description: 'An official wiped the kiosk while ballots still waited for the ledger, giving a reason.',
  },
  // polls
  'polls-opened': { type: 'user-action', dispositions: both, description: 'Polls opened (zero report).' },
  'polls-paused': { type: 'user-action', dispositions: both, description: 'Polls paused.' },
  'polls-resumed': { type: 'user-action', dispositions: both, description: 'Polls resumed.' },
  'polls-closed': { type: 'user-action', dispositions: both, description: 'Polls closed (close report).' },
  'report-printed': { type: 'user-action', dispositions: both, description: 'A polls report was printed.' },
  // voters (no identity, no selections, no tracker: DESIGN §8)
  'voter-session-started': {
    type: 'voter',
    dispositions: na,
    description: 'A voter session started (by card or by document).',
  },
  'document-scanned': {
    type: 'device',
    dispositions: both,
    description: 'An identity document was read (its content is never logged).',
  },
  'document-confirmed': {
    type: 'user-action',
    dispositions: both,
    description:
      'A poll worker confirmed (success) or rejected (failure) that a document matches its holder.',
  },
  'voter-ineligible': {
    type: 'voter',
    dispositions: ['failure'],
    description: 'A voter was found ineligible (the reason code is in details).',
  },
  'receipt-printed': { type: 'device', dispositions: both, description: 'A voter receipt was printed.' },
  'voter-session-ended': {
    type: 'voter',
    dispositions: na,
    description: 'A voter session ended (finished, cancelled, timeout, card removed, refused).',
  },
  // the ballot queue, check-in desk and sender (main/queue QUEUE_EVENT_IDS), through queue-log.ts
  'queue.ballot-cast': {
    type: 'voter',
    dispositions: both,
    description: 'A ballot was signed and stored durably (its content, style and tracker are never logged).',
  },
  'queue.batch-built': {
    type: 'system-action',
    dispositions: both,
    description: 'A batch manifest was built and signed.',
  },
  'queue.polls-built': {
    type: 'system-action',
    dispositions: both,
    description: 'A polls event was built and signed.',
  },
  'queue.entry-appended': {
    type: 'system-action',
    dispositions: both,
    description: 'The ledger accepted a chained entry or enrolment; its answer verified.',
  },
  'queue.witnessed': {
    type: 'system-status',
    dispositions: both,
    description: 'A checkpoint with a witness quorum now covers what was sent.',
  },
  'queue.send-failed': {
    type: 'system-status',
    dispositions: both,
    description: 'Sending to the ledger failed; it will be retried.',
  },
  'queue.alarm': {
    type: 'system-status',
    dispositions: both,
    description: "The ledger's answer did not verify: an official must be told.",
  },
  'checkin.acknowledged': {
    type: 'voter',
    dispositions: both,
    description: 'The ledger acknowledged a check-in.',
  },
  'checkin.refused': {
    type: 'voter',
    dispositions: both,
    description: 'The ledger refused a check-in (rule in details).',
  },
  'checkin.elsewhere': {
    type: 'voter',
    dispositions: both,
    description: 'The ledger holds an earlier check-in of this voter (409, verified).',
  },
  'checkin.unreachable': {
    type: 'voter',
    dispositions: both,
    description: 'A check-in could not reach the ledger (fail closed).',
  },
  'enrolment.appended': {
    type: 'system-action',
    dispositions: both,
    description: 'The ledger accepted the kiosk enrolment.',
  },
  // ledger
  'ledger-reachable': { type: 'system-status', dispositions: ok, description: 'The ledger answers again.' },
  'ledger-unreachable': {
    type: 'system-status',
    dispositions: ['failure'],
    description: 'The ledger did not answer.',
  },
  // enclosure and devices (firmware bridge, drivers)
  'tamper-opened': {
    type: 'device',
    dispositions: ['failure'],
    description: 'The enclosure lid was opened.',
  },
  'tamper-closed': { type: 'device', dispositions: ok, description: 'The enclosure lid was closed.' },
  'power-lost': {
    type: 'device',
    dispositions: ['failure'],
    description: 'Mains power was lost (on battery).',
  },
  'power-restored': { type: 'device', dispositions: ok, description: 'Mains power came back.' },
  'battery-low': { type: 'device', dispositions: ['failure'], description: 'The battery is low.' },
  'printer-fault': {
    type: 'device',
    dispositions: ['failure'],
    description: 'The receipt printer is jammed, out of paper or offline.',
  },
  'printer-ready': { type: 'device', dispositions: ok, description: 'The receipt printer is ready.' },
  'device-error': {
    type: 'device',
    dispositions: ['failure'],
    description: 'A device reported an error (kind in details).',
  },
  'controller-link': {
    type: 'device',
    dispositions: both,
    description: 'The link to the peripheral controller came up (success) or went down (failure).',
  },
  // technician
  'diagnostics-run': { type: 'user-action', dispositions: ok, description: 'Device diagnostics were run.' },
  'event-log-exported': {
    type: 'user-action',
    dispositions: both,
    description: 'The event log was exported as NIST SP 1500-101 JSON (chain verdict in details).',
  },
  // demo only
  'dev-dock': {
    type: 'user-action',
    dispositions: ok,
    description: 'Demo mode: the dev dock changed an emulated device.',
  },
} as const satisfies Readonly<Record<string, EventDeclaration>>;

export type EventId = keyof typeof EVENTS;
export type DispositionOf<E extends EventId> = (typeof EVENTS)[E]['dispositions'][number];

export function isEventId(value: string): value is EventId {
  return Object.hasOwn(EVENTS, value);
}
