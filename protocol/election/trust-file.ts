/**
 * The authority trust file (DESIGN §4): `{keys: [base64 ML-DSA-65 public key], m}`, given to kiosks,
 * the ledger and auditors apart from the package. A package is accepted with at least `m` valid
 * signatures by these keys.
 */
import { z } from 'zod';
import { fromBase64 } from '../bytes';
import { sha256Hex } from '../hash';
import { ML_DSA_SIZES } from '../ml-dsa';
import { err, ok, type Result } from '../result';
import { base64, positiveInt, says } from './primitives';
import type { Problem } from './problems';
import { formatZodIssues } from './zod-issues';

export const TrustFileSchema = z.strictObject(
  {
    keys: z.array(base64, says('must be an array')).min(1, says('must list at least one key')),
    m: positiveInt,
  },
  says('must be an object {keys, m}'),
);
export type TrustFileJson = z.infer<typeof TrustFileSchema>;

export interface AuthorityKey {
  /** hex SHA-256 of the public key: the `key` of a package signature. */
  readonly id: string;
  readonly publicKey: Uint8Array;
}

export interface TrustFile {
  readonly keys: readonly AuthorityKey[];
  readonly m: number;
}

/** hex SHA-256 of an authority's ML-DSA-65 public key (DESIGN §4 `signatures[].key`). */
export function authorityKeyId(publicKey: Uint8Array): string {
  return sha256Hex(publicKey);
}

export function parseTrustFile(value: unknown): Result<TrustFile, Problem[]> {
  const parsed = TrustFileSchema.safeParse(value);
  if (!parsed.success) return err(formatZodIssues(parsed.error.issues));
  const problems: Problem[] = [];
  const keys: AuthorityKey[] = [];
  const seen = new Set<string>();
  for (const [i, b64] of parsed.data.keys.entries()) {
    const publicKey = fromBase64(b64);
    if (publicKey.length !== ML_DSA_SIZES[65].publicKey) {
      problems.push({
        path: `keys[${i}]`,
        message: `must be an ML-DSA-65 public key of ${ML_DSA_SIZES[65].publicKey} bytes, got ${publicKey.length}`,
        check: 'trust-file',
      });
      continue;
    }
    const id = authorityKeyId(publicKey);
    if (seen.has(id))
      problems.push({ path: `keys[${i}]`, message: 'this key is listed twice', check: 'trust-file' });
    seen.add(id);
    keys.push({ id, publicKey });
  }
  if (parsed.data.m > parsed.data.keys.length) {
    problems.push({
      path: 'm',
      message: `is ${parsed.data.m} but only ${parsed.data.keys.length} key(s) are listed`,
      check: 'trust-file',
    });
  }
  return problems.length > 0 ? err(problems) : ok({ keys, m: parsed.data.m });
}

export function parseTrustFileText(text: string): Result<TrustFile, Problem[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err([{ path: '', message: `the trust file is not JSON: ${(e as Error).message}`, check: 'json' }]);
  }
  return parseTrustFile(value);
}
