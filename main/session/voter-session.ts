/**
 * The voter session (issue 6 "Voter session"): a pure transition function `(state, event) → state`,
 * tested by tables. The edge (session-controller.ts) does the I/O each state asks for (eligibility from
 * the credential table and poll book, the check-in round trip, the durable cast) and feeds outcomes
 * back as events, with the time in each event.
 *
 *   idle → identifying (voter card, PIN) ─────────────┐
 *   idle → awaiting-confirmation (document scanned) ──┴→ checking-in → ballot ⇄ review → casting → cast
 *            ↘ ineligible / check-in-failed (retry) / ended
 *
 * Guarantees: a ballot is only ever cast from `review` with the revision the voter saw; timeouts, card
 * removal and cancel end the session with nothing half-cast; in `casting` nothing but the commit's
 * outcome moves the state (the queue's durable transaction is the commit point), so a cast ballot is
 * never lost and never cast twice. Once the check-in is acknowledged the voterRef is dropped: the
 * ballot phases know only the style.
 */
import type { DocumentView, IneligibleReason, ReceiptView, Selections, VoterEndReason } from '../rpc/api';
import type { DocumentFacts, Eligible, Ineligible } from './eligibility';
import type { Result } from '../../protocol/result';

export type IdMethod = 'card' | 'document';

/** How long each screen waits for the voter (ms). */
export const SESSION_TIMEOUTS = {
  identifying: 120_000,
  'awaiting-confirmation': 300_000,
  'check-in-failed': 300_000,
  ballot: 600_000,
  review: 300_000,
  cast: 60_000,
  ended: 30_000,
  ineligible: 60_000,
} as const;

interface Voter {
  readonly method: IdMethod;
  /** The voter card's label (card method), whose removal ends the session. */
  readonly label: string | null;
}

export type SessionState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'identifying'; readonly label: string; readonly expiresAt: number }
  | {
      readonly phase: 'awaiting-confirmation';
      readonly document: DocumentView;
      readonly facts: DocumentFacts;
      readonly credentialKey: string;
      readonly expiresAt: number;
    }
  | ({ readonly phase: 'checking-in'; readonly voterRef: string; readonly style: string } & Voter)
  | ({
      readonly phase: 'check-in-failed';
      readonly voterRef: string;
      readonly style: string;
      readonly message: string;
      readonly expiresAt: number;
    } & Voter)
  | {
      readonly phase: 'ineligible';
      readonly reason: IneligibleReason;
      readonly message: string;
      readonly expiresAt: number;
    }
  | ({
      readonly phase: 'ballot';
      readonly style: string;
      readonly selections: Selections;
      readonly revision: number;
      readonly expiresAt: number;
    } & Voter)
  | ({
      readonly phase: 'review';
      readonly style: string;
      readonly selections: Selections;
      readonly revision: number;
      readonly lastError: string | null;
      readonly expiresAt: number;
    } & Voter)
  | ({
      readonly phase: 'casting';
      readonly style: string;
      readonly selections: Selections;
      readonly revision: number;
    } & Voter)
  | { readonly phase: 'cast'; readonly receipt: ReceiptView; readonly expiresAt: number }
  | {
      readonly phase: 'ended';
      readonly reason: VoterEndReason;
      readonly message: string;
      readonly expiresAt: number;
    };

export type Phase = SessionState['phase'];

export type SessionEvent =
  | { readonly type: 'voter-card-detected'; readonly label: string; readonly now: number }
  | {
      readonly type: 'voter-card-authenticated';
      readonly label: string;
      readonly eligibility: Result<Eligible, Ineligible>;
      readonly now: number;
    }
  | {
      readonly type: 'voter-card-failed';
      readonly label: string;
      readonly message: string;
      readonly now: number;
    }
  | { readonly type: 'card-removed'; readonly label: string; readonly now: number }
  | {
      readonly type: 'document-scanned';
      readonly document: DocumentView;
      readonly facts: DocumentFacts;
      readonly credentialKey: string;
      readonly now: number;
    }
  /** A card or document presented when no session may start (polls not open, document unreadable). */
  | {
      readonly type: 'start-refused';
      readonly reason: IneligibleReason;
      readonly message: string;
      readonly now: number;
    }
  | { readonly type: 'document-rejected'; readonly now: number }
  | {
      readonly type: 'document-confirmed';
      readonly eligibility: Result<Eligible, Ineligible>;
      readonly now: number;
    }
  | { readonly type: 'check-in-acknowledged'; readonly now: number }
  | {
      readonly type: 'check-in-refused';
      readonly reason: IneligibleReason;
      readonly message: string;
      readonly now: number;
    }
  | { readonly type: 'check-in-unreachable'; readonly message: string; readonly now: number }
  | { readonly type: 'retry-check-in'; readonly now: number }
  | { readonly type: 'touch'; readonly now: number }
  | { readonly type: 'review'; readonly selections: Selections; readonly now: number }
  | { readonly type: 'edit'; readonly now: number }
  | { readonly type: 'cast'; readonly revision: number; readonly now: number }
  | { readonly type: 'cast-committed'; readonly receipt: ReceiptView; readonly now: number }
  | { readonly type: 'cast-failed'; readonly message: string; readonly now: number }
  | { readonly type: 'receipt-printed'; readonly printed: ReceiptView['printed'] }
  | { readonly type: 'cancel'; readonly now: number }
  | { readonly type: 'finish'; readonly now: number }
  | { readonly type: 'tick'; readonly now: number };

export const idleSession: SessionState = { phase: 'idle' };

/** Phases in which a voter is using the kiosk (polls cannot be paused or closed under them). */
export function isActive(state: SessionState): boolean {
  return !['idle', 'ended', 'ineligible'].includes(state.phase);
}

/** Phases from which a new voter may start (the previous screen is dismissed). */
function canStart(state: SessionState): boolean {
  return (
    state.phase === 'idle' ||
    state.phase === 'ended' ||
    state.phase === 'ineligible' ||
    state.phase === 'cast'
  );
}

const END_MESSAGES: Readonly<Record<VoterEndReason, string>> = {
  finished: 'Thank you for voting.',
  cancelled: 'The session was cancelled: no ballot was cast.',
  timeout: 'The session timed out: no ballot was cast. Start again when you are ready.',
  'card-removed': 'The card was removed before a ballot was cast: no ballot was cast.',
  refused: 'A poll worker found that the document does not match its holder.',
};

function ended(reason: VoterEndReason, now: number, message = END_MESSAGES[reason]): SessionState {
  return { phase: 'ended', reason, message, expiresAt: now + SESSION_TIMEOUTS.ended };
}

function afterEligibility(
  eligibility: Result<Eligible, Ineligible>,
  voter: Voter,
  now: number,
): SessionState {
  if (!eligibility.ok) {
    return { phase: 'ineligible', ...eligibility.error, expiresAt: now + SESSION_TIMEOUTS.ineligible };
  }
  return {
    phase: 'checking-in',
    ...voter,
    voterRef: eligibility.value.voterRef,
    style: eligibility.value.style,
  };
}

function voterOf(state: Voter): Voter {
  return { method: state.method, label: state.label };
}

export function sessionTransition(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'voter-card-detected':
      return canStart(state)
        ? { phase: 'identifying', label: event.label, expiresAt: event.now + SESSION_TIMEOUTS.identifying }
        : state;
    case 'voter-card-authenticated':
      return state.phase === 'identifying' && state.label === event.label
        ? afterEligibility(event.eligibility, { method: 'card', label: event.label }, event.now)
        : state;
    case 'voter-card-failed':
      return state.phase === 'identifying' && state.label === event.label
        ? {
            phase: 'ineligible',
            reason: 'card-refused',
            message: event.message,
            expiresAt: event.now + SESSION_TIMEOUTS.ineligible,
          }
        : state;
    case 'card-removed': {
      const label = 'label' in state ? state.label : null;
      if (label !== event.label) return state;
      if (state.phase === 'casting' || state.phase === 'cast') return state;
      return ended('card-removed', event.now);
    }
    case 'document-scanned':
      return canStart(state)
        ? {
            phase: 'awaiting-confirmation',
            document: event.document,
            facts: event.facts,
            credentialKey: event.credentialKey,
            expiresAt: event.now + SESSION_TIMEOUTS['awaiting-confirmation'],
          }
        : state;
    case 'start-refused':
      return canStart(state)
        ? {
            phase: 'ineligible',
            reason: event.reason,
            message: event.message,
            expiresAt: event.now + SESSION_TIMEOUTS.ineligible,
          }
        : state;
    case 'document-rejected':
      return state.phase === 'awaiting-confirmation' ? ended('refused', event.now) : state;
    case 'document-confirmed':
      return state.phase === 'awaiting-confirmation'
        ? afterEligibility(event.eligibility, { method: 'document', label: null }, event.now)
        : state;
    case 'check-in-acknowledged':
      return state.phase === 'checking-in'
        ? {
            phase: 'ballot',
            ...voterOf(state),
            style: state.style,
            selections: {},
            revision: 0,
            expiresAt: event.now + SESSION_TIMEOUTS.ballot,
          }
        : state;
    case 'check-in-refused':
      return state.phase === 'checking-in'
        ? {
            phase: 'ineligible',
            reason: event.reason,
            message: event.message,
            expiresAt: event.now + SESSION_TIMEOUTS.ineligible,
          }
        : state;
    case 'check-in-unreachable':
      return state.phase === 'checking-in'
        ? {
            phase: 'check-in-failed',
            ...voterOf(state),
            voterRef: state.voterRef,
            style: state.style,
            message: event.message,
            expiresAt: event.now + SESSION_TIMEOUTS['check-in-failed'],
          }
        : state;
    case 'retry-check-in':
      return state.phase === 'check-in-failed'
        ? { phase: 'checking-in', ...voterOf(state), voterRef: state.voterRef, style: state.style }
        : state;
    case 'touch':
      return touch(state, event.now);
    case 'review':
      return state.phase === 'ballot' || state.phase === 'review'
        ? {
            phase: 'review',
            ...voterOf(state),
            style: state.style,
            selections: event.selections,
            revision: state.revision + 1,
            lastError: null,
            expiresAt: event.now + SESSION_TIMEOUTS.review,
          }
        : state;
    case 'edit':
      return state.phase === 'review'
        ? {
            phase: 'ballot',
            ...voterOf(state),
            style: state.style,
            selections: state.selections,
            revision: state.revision,
            expiresAt: event.now + SESSION_TIMEOUTS.ballot,
          }
        : state;
    case 'cast':
      return state.phase === 'review' && state.revision === event.revision
        ? {
            phase: 'casting',
            ...voterOf(state),
            style: state.style,
            selections: state.selections,
            revision: state.revision,
          }
        : state;
    case 'cast-committed':
      return state.phase === 'casting'
        ? { phase: 'cast', receipt: event.receipt, expiresAt: event.now + SESSION_TIMEOUTS.cast }
        : state;
    case 'cast-failed':
      return state.phase === 'casting'
        ? {
            phase: 'review',
            ...voterOf(state),
            style: state.style,
            selections: state.selections,
            revision: state.revision,
            lastError: event.message,
            expiresAt: event.now + SESSION_TIMEOUTS.review,
          }
        : state;
    case 'receipt-printed':
      return state.phase === 'cast'
        ? { ...state, receipt: { ...state.receipt, printed: event.printed } }
        : state;
    case 'cancel':
      return [
        'identifying',
        'awaiting-confirmation',
        'checking-in',
        'check-in-failed',
        'ballot',
        'review',
      ].includes(state.phase)
        ? ended('cancelled', event.now)
        : state;
    case 'finish':
      return state.phase === 'cast' || state.phase === 'ended' || state.phase === 'ineligible'
        ? idleSession
        : state;
    case 'tick':
      return tick(state, event.now);
  }
}

function touch(state: SessionState, now: number): SessionState {
  switch (state.phase) {
    case 'identifying':
    case 'awaiting-confirmation':
    case 'check-in-failed':
    case 'ballot':
    case 'review':
    case 'cast':
      return { ...state, expiresAt: now + SESSION_TIMEOUTS[state.phase] };
    case 'idle':
    case 'checking-in':
    case 'casting':
    case 'ineligible':
    case 'ended':
      return state;
  }
}

function tick(state: SessionState, now: number): SessionState {
  switch (state.phase) {
    case 'idle':
    case 'checking-in':
    case 'casting':
      return state;
    case 'cast':
    case 'ended':
    case 'ineligible':
      return now >= state.expiresAt ? idleSession : state;
    case 'identifying':
    case 'awaiting-confirmation':
    case 'check-in-failed':
    case 'ballot':
    case 'review':
      return now >= state.expiresAt ? ended('timeout', now) : state;
  }
}

/** When the session ends by itself, or null. */
export function expiresAt(state: SessionState): number | null {
  return 'expiresAt' in state ? state.expiresAt : null;
}
