/**
 * Expected failures are values (CONVENTIONS: Errors): a wrong PIN, an ineligible voter or an unreachable
 * ledger comes back as `{ ok: false, error }` that the caller must handle; bugs throw.
 */
export type Result<T, E> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** For exhaustive `switch` over a discriminated union: a compile error when a case is missing. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
