/**
 * Export of the event log as NIST SP 1500-101 (Election Event Logging Common Data Format) JSON: one
 * `EventLogging.ElectionEventLog` with one `EventLogging.Device` (this kiosk) holding every record as an
 * `EventLogging.Event`, `HashType` sha-256 and each event's chain hash in `Hash`.
 *
 * The chain is verified first and the verdict goes into the document (`Details` of the log and the
 * device): a broken chain is reported, not hidden. Every stored record is exported, also those after
 * the break (marked `Severity: "unverified"`), and a record that no longer parses is exported with its
 * raw text, so nothing is dropped from what an auditor receives.
 */
import { EVENTS, isEventId } from './event-ids';
import { verifyChain, type ChainVerdict, type EventRecord } from './event-record';

export interface CdfEvent {
  readonly '@type': 'EventLogging.Event';
  readonly Id: string;
  readonly Sequence: string;
  readonly TimeStamp: string;
  readonly Type: string;
  readonly Disposition: 'success' | 'failure' | 'na' | 'other';
  readonly OtherDisposition?: string;
  readonly Description?: string;
  readonly Details?: string;
  readonly Hash?: string;
  readonly UserId?: string;
  readonly Severity?: string;
}

export interface CdfDevice {
  readonly '@type': 'EventLogging.Device';
  readonly Id: string;
  readonly Type: 'dre';
  readonly Manufacturer: string;
  readonly Model: string;
  readonly Version: string;
  readonly HashType: 'sha-256';
  readonly Details: string;
  readonly Event: readonly CdfEvent[];
}

export interface CdfElectionEventLog {
  readonly '@type': 'EventLogging.ElectionEventLog';
  readonly GeneratedTime: string;
  readonly ElectionId?: string;
  readonly Details: string;
  readonly Device: readonly CdfDevice[];
}

export interface CdfDeviceInfo {
  /** The kiosk id once provisioned, else a stable machine id. */
  readonly id: string;
  readonly version: string;
  readonly manufacturer?: string;
  readonly model?: string;
}

function toCdfEvent(record: EventRecord, unverified: boolean): CdfEvent {
  return {
    '@type': 'EventLogging.Event',
    Id: record.eventId,
    Sequence: String(record.seq),
    TimeStamp: record.time,
    Type: EVENTS[record.eventId].type,
    Disposition: record.disposition,
    Description: record.message,
    Details: JSON.stringify({ ...record.details, prev: record.prev }),
    Hash: record.hash,
    ...(record.user ? { UserId: record.user } : {}),
    ...(unverified ? { Severity: 'unverified' } : {}),
  };
}

function unreadable(text: string, index: number, at: string): CdfEvent {
  return {
    '@type': 'EventLogging.Event',
    Id: 'unreadable-record',
    Sequence: String(index + 1),
    TimeStamp: at,
    Type: 'system-status',
    Disposition: 'other',
    OtherDisposition: 'unreadable',
    Description: 'This stored record could not be read; its raw text is in Details.',
    Details: text,
    Severity: 'unverified',
  };
}

function readRecord(text: string): EventRecord | null {
  try {
    const value = JSON.parse(text) as Partial<EventRecord> | null;
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof value.eventId !== 'string' ||
      !isEventId(value.eventId) ||
      typeof value.seq !== 'number' ||
      typeof value.time !== 'string'
    )
      return null;
    return value as EventRecord;
  } catch {
    return null;
  }
}

export function exportEventLogCdf(
  texts: readonly string[],
  device: CdfDeviceInfo,
  options: { readonly generatedAt: Date; readonly electionId?: string },
): { readonly cdf: CdfElectionEventLog; readonly verdict: ChainVerdict } {
  const verdict = verifyChain(texts);
  const at = options.generatedAt.toISOString();
  const events = texts.map((text, i) => {
    const record = readRecord(text);
    const unverified = verdict.firstBroken !== null && i >= verdict.firstBroken;
    return record ? toCdfEvent(record, unverified) : unreadable(text, i, at);
  });
  const details = JSON.stringify({
    chainValid: verdict.valid,
    firstBroken: verdict.firstBroken,
    message: verdict.message,
  });
  return {
    verdict,
    cdf: {
      '@type': 'EventLogging.ElectionEventLog',
      GeneratedTime: at,
      ...(options.electionId ? { ElectionId: options.electionId } : {}),
      Details: details,
      Device: [
        {
          '@type': 'EventLogging.Device',
          Id: device.id,
          Type: 'dre',
          Manufacturer: device.manufacturer ?? 'OGAS',
          Model: device.model ?? 'OGAS Kiosk',
          Version: device.version,
          HashType: 'sha-256',
          Details: details,
          Event: events,
        },
      ],
    },
  };
}
