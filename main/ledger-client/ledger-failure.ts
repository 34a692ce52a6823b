/**
 * What can go wrong talking to the state ledger, as values (CONVENTIONS: Errors), each with a message
 * a poll worker can act on. Four kinds, because each calls for a different response:
 * - `unreachable`: no answer (network down, refused, timed out): retry later; nothing is lost;
 * - `unavailable`: the ledger answered 5xx (its storage is failing over): retry later, same bytes;
 * - `refused`: the ledger refused the request (400/409/413/422…): its rule and message say why;
 * - `alarm`: an answer that does not verify (a bad signature, a wrong proof, a checkpoint inconsistent
 *   with one seen before, a malformed body). Never accepted, never ignored: logged, and retried later.
 */

export type LedgerFailure =
  | { readonly kind: 'unreachable'; readonly message: string; readonly detail: string }
  | {
      readonly kind: 'unavailable';
      readonly message: string;
      readonly status: number;
      readonly detail: string;
    }
  | {
      readonly kind: 'refused';
      readonly message: string;
      readonly status: number;
      /** DESIGN §6 refusal fields: the rule broken (422/409) and the field at fault (400). */
      readonly rule: string | undefined;
      readonly field: string | undefined;
      /** The rest of the refusal body (e.g. the index and inclusion proof of a first check-in). */
      readonly details: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'alarm'; readonly message: string; readonly detail: string };

export function unreachable(detail: string): LedgerFailure {
  return {
    kind: 'unreachable',
    detail,
    message:
      `The state ledger cannot be reached (${detail}): check the network cable; ` +
      'ballots already cast are safe and will be sent when it returns.',
  };
}

export function unavailable(status: number, detail: string): LedgerFailure {
  return {
    kind: 'unavailable',
    status,
    detail,
    message:
      `The state ledger answered but cannot take entries now (HTTP ${status}: ${detail}); ` +
      'ballots already cast are safe and will be sent when it recovers.',
  };
}

export function refused(
  status: number,
  error: string,
  rule: string | undefined,
  field: string | undefined,
  details: Readonly<Record<string, unknown>>,
): LedgerFailure {
  const what = rule ? ` (rule ${rule})` : field ? ` (field ${field})` : '';
  return {
    kind: 'refused',
    status,
    rule,
    field,
    details,
    message: `The state ledger refused the request${what}: ${error}`,
  };
}

export function alarm(detail: string): LedgerFailure {
  return {
    kind: 'alarm',
    detail,
    message:
      `ALARM: the state ledger's answer does not verify (${detail}). Nothing was marked as sent; ` +
      'the kiosk keeps everything and will try again. Tell the election officials: the ledger may be faulty or tampered with.',
  };
}

/** Whether a later retry of the same request may succeed without anyone acting. */
export function isTransient(f: LedgerFailure): boolean {
  return f.kind === 'unreachable' || f.kind === 'unavailable';
}
