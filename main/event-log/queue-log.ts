/**
 * The queue's events (main/queue QueueEvent: declared ids, dispositions, no voter or ballot data) into
 * the kiosk's hash-chained event log. Their fields map onto the log's closed detail fields; a field the
 * log does not know is dropped (counted in `note`), never copied as free text.
 */
import type { QueueLogger } from '../queue/queue-events';
import type { EventLogger } from './event-log';
import type { EventDetails } from './event-record';

const NUMBERS = ['seq', 'index', 'size', 'count', 'checkins', 'ballots', 'marked'] as const;
const CODE = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function queueFieldsToDetails(
  fields: Readonly<Record<string, string | number | boolean>>,
): EventDetails {
  const details: Record<string, unknown> = {};
  let dropped = 0;
  for (const [key, value] of Object.entries(fields)) {
    if (
      (NUMBERS as readonly string[]).includes(key) &&
      Number.isSafeInteger(value) &&
      (value as number) >= 0
    ) {
      details[key] = value;
    } else if (
      key === 'status' &&
      Number.isInteger(value) &&
      (value as number) >= 100 &&
      (value as number) <= 599
    ) {
      details.httpStatus = value;
    } else if (key === 'final' && typeof value === 'boolean') {
      details.final = value;
    } else if (key === 'root' && typeof value === 'string' && HEX64.test(value)) {
      details.root = value;
    } else if (
      (key === 'kind' || key === 'rule' || key === 'event') &&
      typeof value === 'string' &&
      CODE.test(value)
    ) {
      details[key === 'kind' ? 'code' : key] = value;
    } else if (!(key === 'rule' && value === '')) {
      dropped += 1;
    }
  }
  if (dropped > 0) details.note = `${dropped} field(s) not kept by the event log`;
  return details;
}

export function queueEventLogger(log: EventLogger): QueueLogger {
  return (event) =>
    log.log({
      eventId: event.id,
      disposition: event.disposition,
      message: event.message.slice(0, 500),
      details: queueFieldsToDetails(event.fields ?? {}),
    });
}
