/**
 * A refused request (DESIGN §6): 400 malformed (naming the field), 409 conflict (used voter, used seq,
 * duplicate leaf), 413 too big, 422 fails a rule (naming the rule); plus 503 when storage is unavailable
 * (nothing appended; resend the same bytes). The body is JSON: `{error, field?, rule?, ...details}`.
 */

export type RefusalStatus = 400 | 403 | 404 | 409 | 413 | 422 | 425 | 503;

export interface Refusal {
  readonly status: RefusalStatus;
  /** What was wrong, for a person. */
  readonly error: string;
  /** The field at fault, as a path into the request body (`entries[3].entry.seq`). */
  readonly field?: string;
  /** The rule that refused it (DESIGN §5/§6), a stable name for programs. */
  readonly rule?: string;
  /** More, e.g. the index and inclusion proof of a voter's first check-in. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function malformed(field: string, error: string): Refusal {
  return { status: 400, field, error: field ? `${field}: ${error}` : error };
}

/** A refusal under a named rule: 409 for a conflict with what is stored, 422 for a broken rule. */
function byRule(
  status: 409 | 422,
  rule: string,
  error: string,
  field?: string,
  details?: Record<string, unknown>,
): Refusal {
  return {
    status,
    rule,
    error,
    ...(field === undefined ? {} : { field }),
    ...(details === undefined ? {} : { details }),
  };
}

export function conflict(
  rule: string,
  error: string,
  field?: string,
  details?: Record<string, unknown>,
): Refusal {
  return byRule(409, rule, error, field, details);
}

export function ruleBroken(
  rule: string,
  error: string,
  field?: string,
  details?: Record<string, unknown>,
): Refusal {
  return byRule(422, rule, error, field, details);
}

export function tooBig(error: string, field?: string): Refusal {
  return { status: 413, error, ...(field === undefined ? {} : { field }) };
}

export function unavailable(error: string): Refusal {
  return { status: 503, error };
}

/** The JSON body of a refusal. */
export function refusalBody(r: Refusal): Record<string, unknown> {
  return {
    error: r.error,
    ...(r.field === undefined ? {} : { field: r.field }),
    ...(r.rule === undefined ? {} : { rule: r.rule }),
    ...r.details,
  };
}
