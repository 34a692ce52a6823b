/**
 * Staff sessions on the kiosk (DESIGN §8; in the manner of VxSuite libs/auth): a pure transition
 * function `(state, event) → state`. The card's own authentication (certificate chain, PIN, challenge)
 * is the pkcs11 driver's machine (drivers/pkcs11/card-auth-machine.ts); this one turns its outcome into
 * who may act at the kiosk:
 *
 *   logged-out → pending (card inserted) → logged-in (authenticated with a staff role)
 *                                        → voter-card (a voter's card: no staff rights)
 *   any → logged-out on card removal, sign-out, or when the session is older than its limit.
 *
 * No I/O, no clock: times come in events. An event that does not fit is ignored (state unchanged), so
 * a late answer for a card already pulled out changes nothing.
 */
import type { CardRole } from '../../protocol/roles';

export type StaffRole = Exclude<CardRole, 'voter'>;

/** A staff session lasts at most this long (then the card must be removed and signed in again). */
export const STAFF_SESSION_MAX_MS = 12 * 60 * 60 * 1000;

export type LoggedOutReason = 'card-removed' | 'signed-out' | 'expired' | 'card-failed' | null;

export type StaffSessionState =
  | { readonly status: 'logged-out'; readonly reason: LoggedOutReason }
  | { readonly status: 'pending'; readonly label: string }
  | { readonly status: 'voter-card'; readonly label: string }
  | {
      readonly status: 'logged-in';
      readonly label: string;
      readonly role: StaffRole;
      /** The certificate's common name: a staff name, shown on screen, never a voter's. */
      readonly name: string;
      readonly since: number;
      readonly expiresAt: number;
    };

export type StaffSessionEvent =
  | { readonly type: 'card-inserted'; readonly label: string }
  | {
      readonly type: 'card-authenticated';
      readonly label: string;
      readonly role: CardRole;
      readonly name: string;
      readonly now: number;
    }
  | { readonly type: 'card-failed'; readonly label: string }
  | { readonly type: 'card-removed'; readonly label: string }
  | { readonly type: 'sign-out' }
  | { readonly type: 'tick'; readonly now: number };

export const initialStaffSession: StaffSessionState = { status: 'logged-out', reason: null };

function labelOf(state: StaffSessionState): string | null {
  return state.status === 'logged-out' ? null : state.label;
}

export function staffSessionTransition(
  state: StaffSessionState,
  event: StaffSessionEvent,
): StaffSessionState {
  switch (event.type) {
    case 'card-inserted':
      return state.status === 'logged-out' ? { status: 'pending', label: event.label } : state;
    case 'card-authenticated':
      if (state.status !== 'pending' || state.label !== event.label) return state;
      if (event.role === 'voter') return { status: 'voter-card', label: event.label };
      return {
        status: 'logged-in',
        label: event.label,
        role: event.role,
        name: event.name,
        since: event.now,
        expiresAt: event.now + STAFF_SESSION_MAX_MS,
      };
    case 'card-failed':
      return state.status === 'pending' && state.label === event.label
        ? { status: 'logged-out', reason: 'card-failed' }
        : state;
    case 'card-removed':
      return labelOf(state) === event.label ? { status: 'logged-out', reason: 'card-removed' } : state;
    case 'sign-out':
      return state.status === 'logged-in' ? { status: 'logged-out', reason: 'signed-out' } : state;
    case 'tick':
      return state.status === 'logged-in' && event.now >= state.expiresAt
        ? { status: 'logged-out', reason: 'expired' }
        : state;
  }
}

/** The signed-in staff role, or null. */
export function staffRole(state: StaffSessionState): StaffRole | null {
  return state.status === 'logged-in' ? state.role : null;
}
