/**
 * Authority signatures on the election package (DESIGN §4): each `{key, sig}` is an ML-DSA-65
 * signature (context ogas-election-v1) over the JCS of the package without `signatures`; the list is
 * sorted by key. A kiosk, the ledger and an auditor accept a package with at least `m` valid
 * signatures by keys of their trust file.
 */
import { bytesEqual, fromBase64, toBase64 } from '../bytes';
import { mlDsaPublicKey, mlDsaSign, mlDsaVerify, nobleVerifier, type MlDsaVerifier } from '../ml-dsa';
import { err, ok, type Result } from '../result';
import { packageSigningBytes } from './election-id';
import type { LoadedElection } from './parse';
import type { ElectionPackageInput, PackageSignature } from './schema';
import { authorityKeyId, type TrustFile } from './trust-file';

export interface SignatureReport {
  /** Key ids (hex) of trusted keys whose signature verifies. */
  readonly valid: readonly string[];
  /** Key ids of trusted keys whose signature does NOT verify (altered package or bad signature). */
  readonly invalid: readonly string[];
  /** Key ids not in the trust file (not counted, not checked). */
  readonly unknown: readonly string[];
  readonly m: number;
  /** valid.length ≥ m. */
  readonly reached: boolean;
  /** One line per finding, for a person. */
  readonly messages: readonly string[];
}

/**
 * Checks every signature of a parsed package against the trust file. Ok when m valid signatures are
 * there (invalid ones are still listed: a tool may treat them as faults); err otherwise.
 */
export function checkPackageSignatures(
  election: LoadedElection,
  trust: TrustFile,
  verifier: MlDsaVerifier = nobleVerifier,
): Result<SignatureReport, SignatureReport> {
  const message = packageSigningBytes(election.source);
  const byId = new Map(trust.keys.map((k) => [k.id, k]));
  const valid: string[] = [];
  const invalid: string[] = [];
  const unknown: string[] = [];
  const messages: string[] = [];
  for (const [i, s] of election.package.signatures.entries()) {
    const key = byId.get(s.key);
    if (key === undefined) {
      unknown.push(s.key);
      messages.push(`signatures[${i}]: key ${s.key} is not in the trust file (not counted)`);
    } else if (mlDsaVerify('election', key.publicKey, message, fromBase64(s.sig), verifier)) {
      valid.push(s.key);
      messages.push(`signatures[${i}]: valid signature by trusted key ${s.key}`);
    } else {
      invalid.push(s.key);
      messages.push(
        `signatures[${i}]: signature by trusted key ${s.key} does NOT verify: the package was changed after signing, or the signature is corrupt`,
      );
    }
  }
  const reached = valid.length >= trust.m;
  messages.push(
    reached
      ? `${valid.length} valid signature(s) of ${trust.m} required: accepted`
      : `only ${valid.length} valid signature(s); the trust file requires ${trust.m}: refused`,
  );
  const report: SignatureReport = { valid, invalid, unknown, m: trust.m, reached, messages };
  return reached ? ok(report) : err(report);
}

/**
 * Adds one authority signature, keeping `signatures` sorted by key; refuses a second signature by the
 * same key and a secret key that does not belong to the public key. Returns a new package object.
 */
export function signPackage(
  pkg: ElectionPackageInput,
  authoritySecretKey: Uint8Array,
  authorityPublicKey: Uint8Array,
): Result<ElectionPackageInput, string> {
  let derived: Uint8Array;
  try {
    derived = mlDsaPublicKey(65, authoritySecretKey);
  } catch (e) {
    return err(`the secret key is not an ML-DSA-65 secret key: ${(e as Error).message}`);
  }
  if (!bytesEqual(derived, authorityPublicKey)) {
    return err('the secret key does not belong to the given public key');
  }
  const key = authorityKeyId(authorityPublicKey);
  if (pkg.signatures.some((s) => s.key === key)) {
    return err(`the package already has a signature by key ${key}`);
  }
  const sig = toBase64(mlDsaSign('election', authoritySecretKey, packageSigningBytes(pkg)));
  const signatures: PackageSignature[] = [...pkg.signatures, { key, sig }].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  return ok({ ...pkg, signatures });
}
