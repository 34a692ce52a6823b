/**
 * A kiosk enrolment's official part, as an auditor can check it (DESIGN §5 "Kiosk enrolment", §9 "every
 * enrolment is public on the log and reported by the audit per official"): the card certificate chains
 * to the package's `trust.officials` with role `official`, and its signature covers the entry.
 *
 * The ledger checked the card at the moment it received the enrolment; the log does not record that
 * moment. The audit knows it lies in [lo, hi] (checkpoints.ts), so it checks the card at hi (or at the
 * close of polls, after which no enrolment is accepted, when no checkpoint covers it yet), and, if the
 * card had expired by then, at lo: a card valid at some time the enrolment can have been made passes.
 */
import { checkEnrolmentOfficial } from '../../protocol/entries';
import type { KioskEnrolmentEntry } from '../../protocol/entries';
import type { VerifiedCard } from '../../protocol/certificates';
import { err, type Result } from '../../protocol/result';
import type { TimeBound } from './checkpoints';

export function auditEnrolmentOfficial(
  entry: KioskEnrolmentEntry,
  officialsTrust: readonly string[],
  bounds: { lo: TimeBound | undefined; hi: TimeBound | undefined },
  closesMs: number,
): Result<VerifiedCard, string> {
  const latest = bounds.hi ? Math.min(bounds.hi.time * 1000, closesMs) : closesMs;
  const first = checkEnrolmentOfficial(entry, officialsTrust, new Date(latest));
  if (first.ok) return first;
  if (first.error.kind === 'expired' && bounds.lo) {
    const earlier = checkEnrolmentOfficial(entry, officialsTrust, new Date(bounds.lo.time * 1000));
    if (earlier.ok) return earlier;
  }
  return err(first.error.message);
}
