/**
 * Small helpers of the worker-side PKCS#11 layer: running one call with its CKR_* turned into a
 * Pkcs11Failure, finding objects, reading attributes. Used by pkcs11-module.ts and pkcs11-secret-keys.ts.
 */
import type { PKCS11 } from 'pkcs11js';
import { pkcs11ErrorFromThrown, type Pkcs11Error } from './pkcs11-errors';

/** An expected PKCS#11 failure on its way to the worker boundary, where it becomes a Result error. */
export class Pkcs11Failure extends Error {
  constructor(readonly error: Pkcs11Error) {
    super(error.message);
    this.name = 'Pkcs11Failure';
  }
}

/** Runs one PKCS#11 call, turning a CKR_* into a Pkcs11Failure; anything else is rethrown (a bug). */
export function guarded<T>(call: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const error = pkcs11ErrorFromThrown(e, call);
    if (error) throw new Pkcs11Failure(error);
    throw e;
  }
}

export type Template = Array<{ type: number; value: number | boolean | Buffer | string }>;

/** Every object matching `template` (C_FindObjectsInit / C_FindObjects in batches / C_FindObjectsFinal). */
export function findObjects(api: PKCS11, session: Buffer, template: Template): Buffer[] {
  guarded('C_FindObjectsInit', () => api.C_FindObjectsInit(session, template));
  try {
    const all: Buffer[] = [];
    for (;;) {
      const batch = guarded('C_FindObjects', () => api.C_FindObjects(session, 64));
      all.push(...batch);
      if (batch.length < 64) return all;
    }
  } finally {
    guarded('C_FindObjectsFinal', () => api.C_FindObjectsFinal(session));
  }
}

/** The values of `types` on `object`, in order (empty when the token gives none). */
export function getAttributes(
  api: PKCS11,
  session: Buffer,
  object: Buffer,
  types: readonly number[],
): Buffer[] {
  const got = guarded('C_GetAttributeValue', () =>
    api.C_GetAttributeValue(
      session,
      object,
      types.map((type) => ({ type })),
    ),
  );
  return types.map((type) => got.find((a) => a.type === type)?.value ?? Buffer.alloc(0));
}

/** A CK_ULONG attribute (little-endian on the hosts we run on), or -1 when empty. */
export function ulong(value: Buffer | undefined): number {
  return value && value.length > 0 ? value.readUIntLE(0, Math.min(6, value.length)) : -1;
}

/** A CK_BBOOL attribute. */
export function bool(value: Buffer | undefined): boolean {
  return (value?.[0] ?? 0) !== 0;
}
