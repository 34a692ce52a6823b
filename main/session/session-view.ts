/**
 * The voter session as the screen may see it (main/rpc/api.ts VoterView): the ballot of the voter's
 * style, the choices and the receipt; never the voterRef or the credential. The document details are
 * shown only while a poll worker confirms them.
 */
import type { ElectionPackage } from '../../protocol/election';
import type { CheckinFailure } from '../queue';
import type { IneligibleReason, VoterView } from '../rpc/api';
import { ballotView } from './ballot-view';
import type { SessionState } from './voter-session';

function need(pkg: ElectionPackage | null): ElectionPackage {
  if (!pkg) throw new Error('a ballot is on screen but no election is loaded (a bug)');
  return pkg;
}

export function voterViewOf(s: SessionState, pkg: ElectionPackage | null): VoterView {
  switch (s.phase) {
    case 'idle':
    case 'casting':
      return { phase: s.phase };
    case 'identifying':
      return { phase: 'identifying', method: 'card' };
    case 'awaiting-confirmation':
      return { phase: 'awaiting-confirmation', document: s.document };
    case 'checking-in':
      return { phase: 'checking-in' };
    case 'check-in-failed':
      return { phase: 'check-in-failed', message: s.message };
    case 'ineligible':
      return { phase: 'ineligible', reason: s.reason, message: s.message };
    case 'ballot':
      return {
        phase: 'ballot',
        ballot: ballotView(need(pkg), s.style),
        selections: s.selections,
      };
    case 'review':
      return {
        phase: 'review',
        ballot: ballotView(need(pkg), s.style),
        selections: s.selections,
        revision: s.revision,
      };
    case 'cast':
      return { phase: 'cast', receipt: s.receipt };
    case 'ended':
      return { phase: 'ended', reason: s.reason, message: s.message };
  }
}

/** The queue's check-in failures that are a verdict on the voter (not a reason to retry). */
export function refusalOf(
  f: CheckinFailure,
  sampleMode: boolean,
): { reason: IneligibleReason; message: string } | null {
  switch (f.kind) {
    case 'already-here':
    case 'elsewhere':
      return { reason: 'already-checked-in', message: f.message };
    case 'refused': {
      const rule = f.rule ?? '';
      // The ledger's rules (ledger/server): checkin-window, voter-eligible, voter-style, kiosk-closed.
      const reason: IneligibleReason = rule.includes('window')
        ? 'outside-window'
        : rule === 'kiosk-closed'
          ? 'kiosk-not-open'
          : rule === 'voter-eligible' && sampleMode
            ? 'not-in-sample'
            : 'not-on-roll';
      return { reason, message: f.message };
    }
    case 'closed':
      return { reason: 'kiosk-not-open', message: f.message };
    case 'unreachable':
    case 'alarm':
    case 'locked':
    case 'invalid':
    case 'signer':
      return null;
  }
}
