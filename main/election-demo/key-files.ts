/**
 * Key files the demo writes and the election tools read. Each is one JSON object, base64 keys, and is
 * written readable by its owner only (mode 0600):
 *
 * - authority key (ML-DSA-65, signs election packages; `ogas election sign --key FILE`):
 *     {"v":1,"type":"ogas-authority-key","publicKey":"<base64>","secretKey":"<base64>"}
 * - log key (ML-DSA-44; the format of ledger/server/log-key.ts, `ogas ledger keygen`):
 *     {"v":1,"type":"ogas-log-key","origin":"<origin>","publicKey":"<base64>","secretKey":"<base64>"}
 * - witness key (ML-DSA-44; `ogas witness serve --key FILE --name NAME`):
 *     {"v":1,"type":"ogas-witness-key","name":"<name>","publicKey":"<base64>","secretKey":"<base64>"}
 */
import { z } from 'zod';
import { bytesEqual, fromBase64, toBase64 } from '../../protocol/bytes';
import { base64 } from '../../protocol/election/primitives';
import { formatProblem } from '../../protocol/election/problems';
import { formatZodIssues } from '../../protocol/election/zod-issues';
import { ML_DSA_SIZES, mlDsaPublicKey, type MlDsaKeyPair } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';

const AuthorityKeyFileSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('ogas-authority-key'),
  publicKey: base64,
  secretKey: base64,
});

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function authorityKeyFileText(keys: MlDsaKeyPair): string {
  return json({
    v: 1,
    type: 'ogas-authority-key',
    publicKey: toBase64(keys.publicKey),
    secretKey: toBase64(keys.secretKey),
  });
}

export function logKeyFileText(origin: string, keys: MlDsaKeyPair): string {
  return json({
    v: 1,
    type: 'ogas-log-key',
    origin,
    publicKey: toBase64(keys.publicKey),
    secretKey: toBase64(keys.secretKey),
  });
}

export function witnessKeyFileText(name: string, keys: MlDsaKeyPair): string {
  return json({
    v: 1,
    type: 'ogas-witness-key',
    name,
    publicKey: toBase64(keys.publicKey),
    secretKey: toBase64(keys.secretKey),
  });
}

/** Reads an authority key file, checking sizes and that the secret key belongs to the public key. */
export function parseAuthorityKeyFile(text: string): Result<MlDsaKeyPair, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(`the authority key file is not JSON: ${(e as Error).message}`);
  }
  const parsed = AuthorityKeyFileSchema.safeParse(value);
  if (!parsed.success) {
    return err(
      `not an authority key file: ${formatZodIssues(parsed.error.issues).map(formatProblem).join('; ')}`,
    );
  }
  const publicKey = fromBase64(parsed.data.publicKey);
  const secretKey = fromBase64(parsed.data.secretKey);
  const sizes = ML_DSA_SIZES[65];
  if (publicKey.length !== sizes.publicKey || secretKey.length !== sizes.secretKey) {
    return err(
      `the authority key file does not hold an ML-DSA-65 key pair (${sizes.publicKey}/${sizes.secretKey} bytes)`,
    );
  }
  if (!bytesEqual(mlDsaPublicKey(65, secretKey), publicKey)) {
    return err('the authority key file is damaged: its secret key does not belong to its public key');
  }
  return ok({ publicKey, secretKey });
}
