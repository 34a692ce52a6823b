/**
 * What the screen may know about the card in the reader (main/rpc/api.ts CardView), from the pkcs11
 * driver's card-auth state: never the certificate, the credential key or the PIN-counter key.
 */
import type { CardAuthState, PinPrompt } from '../../drivers/pkcs11/card-auth-machine';
import type { CardView, PinPromptView } from '../rpc/api';
import { cardFailureReason, pinErrorCode } from './card-errors';

const iso = (epochMs: number) => new Date(epochMs).toISOString();

function promptView(prompt: PinPrompt): PinPromptView {
  return {
    kioskFailures: prompt.kioskFailures,
    lockedUntil: prompt.lockedUntil === null ? null : iso(prompt.lockedUntil),
    cardCountLow: prompt.card.countLow,
    cardFinalTry: prompt.card.finalTry,
    lastError: prompt.lastError?.message ?? null,
    lastErrorCode: prompt.lastError === null ? null : pinErrorCode(prompt.lastError),
  };
}

export function cardView(state: CardAuthState): CardView {
  switch (state.status) {
    case 'no-card':
      return { status: 'no-card' };
    case 'ended':
      return state.reason === 'logged-out'
        ? { status: 'signed-out', label: state.label }
        : { status: 'no-card' };
    case 'reading-certificate':
    case 'validating-chain':
    case 'checking-pin-status':
      return { status: 'reading', label: state.card.label };
    case 'awaiting-pin':
      return {
        status: 'awaiting-pin',
        label: state.card.label,
        role: state.identity.role,
        prompt: promptView(state.prompt),
      };
    case 'verifying-pin':
    case 'signing-challenge':
    case 'verifying-signature':
      return { status: 'verifying', label: state.card.label, role: state.identity.role };
    case 'authenticated':
      return { status: 'authenticated', label: state.card.label, role: state.identity.role };
    case 'failed': {
      const { error } = state;
      return {
        status: 'failed',
        label: state.card.label,
        reason: cardFailureReason(error),
        lockedUntil: error.kind === 'kiosk-locked-out' ? iso(error.until) : null,
        message: error.message,
      };
    }
  }
}
