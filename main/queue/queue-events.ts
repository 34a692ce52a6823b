/**
 * Events of the queue, check-ins and sending, with declared ids and a disposition (CONVENTIONS: Logs),
 * for the kiosk's hash-chained event log (DESIGN §8). They never carry a voterRef, a tracker, a
 * tracking code, ballot content or anything else that could link a voter to a ballot; a ballot cast
 * is logged without even its style.
 */

export const QUEUE_EVENT_IDS = [
  'queue.ballot-cast',
  'queue.batch-built',
  'queue.polls-built',
  'queue.entry-appended',
  'queue.witnessed',
  'queue.send-failed',
  'queue.alarm',
  'checkin.acknowledged',
  'checkin.refused',
  'checkin.elsewhere',
  'checkin.unreachable',
  'enrolment.appended',
] as const;

export type QueueEventId = (typeof QUEUE_EVENT_IDS)[number];

export interface QueueEvent {
  readonly id: QueueEventId;
  /** `alarm`: the ledger's answer did not verify — an official must be told. */
  readonly level: 'info' | 'warn' | 'error' | 'alarm';
  readonly disposition: 'success' | 'failure';
  /** For a person reading the log. */
  readonly message: string;
  /** Structured details: seq, index, size, counts, the failure kind; never voter or ballot data. */
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
}

export type QueueLogger = (event: QueueEvent) => void;

export const silentQueueLogger: QueueLogger = () => {};
