/**
 * What the screen may know about the card in the reader (main/rpc/api.ts CardView), from the pkcs11
 * driver's card-auth state: never the certificate, the credential key or the PIN-counter key.
 */
import type { CardAuthState, PinPrompt } from '../../drivers/pkcs11/card-auth-machine';
import type { CardView, PinPromptView } from '../rpc/api';

function promptView(prompt: PinPrompt): PinPromptView {
  return {
    kioskFailures: prompt.kioskFailures,
    lockedUntil: prompt.lockedUntil === null ? null : new Date(prompt.lockedUntil).toISOString(),
    cardCountLow: prompt.card.countLow,
    cardFinalTry: prompt.card.finalTry,
    lastError: prompt.lastError?.message ?? null,
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
    case 'failed':
      return { status: 'failed', label: state.card.label, message: state.error.message };
  }
}
