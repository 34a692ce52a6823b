/**
 * Which screen the kiosk shows, as a pure function of the backend's status (tested by a table, in the
 * manner of CONVENTIONS "state machines"). The backend owns every state; the UI only draws it, so a
 * reload or a second window always shows the truth.
 *
 * Order matters: a signed-in staff member sees the console; a card being read or waiting for its PIN
 * comes next (a voter's card leads into the voter flow, any other into staff sign-in); then a running
 * voter session; then why voting is not possible now; else the welcome screen.
 */
import type { CardView, KioskStatus, StaffView, VoterView } from '../../../main/rpc/api';

export type ClosedReason = 'not-configured' | 'out-of-service' | 'locked' | 'not-open' | 'paused' | 'closed';

export type ScreenChoice =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'staff'; readonly staff: StaffView }
  | {
      readonly kind: 'card';
      readonly card: Exclude<CardView, { status: 'no-card' | 'authenticated' }>;
      readonly audience: 'voter' | 'staff' | 'unknown';
    }
  | { readonly kind: 'voter'; readonly voter: Exclude<VoterView, { phase: 'idle' }> }
  | { readonly kind: 'closed'; readonly reason: ClosedReason }
  | { readonly kind: 'attract' };

/** Voter phases in which a card problem must not hide the voter's own screen. */
const VOTER_PHASES_PAST_IDENTIFICATION = new Set<VoterView['phase']>([
  'checking-in',
  'ineligible',
  'check-in-failed',
  'ballot',
  'review',
  'casting',
  'cast',
  'ended',
]);

export function chooseScreen(status: KioskStatus | null): ScreenChoice {
  if (status === null) return { kind: 'connecting' };
  if (status.staff !== null) return { kind: 'staff', staff: status.staff };

  const { card } = status;
  const voter = status.session.voter;
  const voterPastIdentification = VOTER_PHASES_PAST_IDENTIFICATION.has(voter.phase);
  if (card.status !== 'no-card' && card.status !== 'authenticated' && !voterPastIdentification) {
    const audience =
      card.status === 'awaiting-pin' || card.status === 'verifying'
        ? card.role === 'voter'
          ? 'voter'
          : 'staff'
        : 'unknown';
    return { kind: 'card', card, audience };
  }

  if (voter.phase !== 'idle') return { kind: 'voter', voter };

  const reason = closedReason(status);
  return reason === null ? { kind: 'attract' } : { kind: 'closed', reason };
}

function closedReason(status: KioskStatus): ClosedReason | null {
  if (status.provisioning.step !== 'ready') return 'not-configured';
  // The HSM-locked alarm has its own screen (locked until an official enters the HSM PIN, DESIGN §8),
  // not "out of service".
  if (status.alarms.some((a) => a.blocking && a.kind !== 'hsm-locked')) return 'out-of-service';
  // Polls closed: the kiosk locks itself, and voters need to know the polls are closed, not why.
  if (status.locked && status.polls !== 'closed') return 'locked';
  switch (status.polls) {
    case 'open':
      return null;
    case 'not-open':
      return 'not-open';
    case 'paused':
      return 'paused';
    case 'closed':
      return 'closed';
  }
}
