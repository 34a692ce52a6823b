/**
 * The log's checkpoint key (DESIGN §6, §10 `ogas ledger keygen`): an ML-DSA-44 key pair named by the
 * log's origin, since the log signs its checkpoints as the cosigner named by its origin (C2SP
 * tlog-checkpoint). Stored as a small JSON file, readable by its owner only:
 *
 *   {"v":1,"type":"ogas-log-key","origin":"<origin>","publicKey":"<base64>","secretKey":"<base64>"}
 *
 * Its public half travels as a C2SP vkey (`name+hex(keyID)+base64(0x06 ‖ key)`), which goes into the
 * election package's `ledger.logKey`.
 */
import { z } from 'zod';
import { bytesEqual, fromBase64, isBase64, toBase64 } from '../../protocol/bytes';
import { encodeVkey, isValidKeyName, type CosignerSigner } from '../../protocol/checkpoint';
import { ML_DSA_SIZES, mlDsaKeygen, mlDsaPublicKey } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';

export interface LogKey {
  readonly origin: string;
  /** Signs checkpoints as the cosigner named `origin`. */
  readonly signer: CosignerSigner;
  /** The C2SP vkey of the public key. */
  readonly vkey: string;
}

const b64 = z.string().refine(isBase64, 'must be standard base64 with padding');
const LogKeyFileSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('ogas-log-key'),
  origin: z.string().refine(isValidKeyName, 'must be a key name: not empty, no space or plus'),
  publicKey: b64,
  secretKey: b64,
});

/** A new key for `origin`, and the file text to store it as. */
export function generateLogKey(origin: string): Result<{ key: LogKey; fileText: string }, string> {
  if (!isValidKeyName(origin)) {
    return err(
      `origin ${JSON.stringify(origin)} cannot name a key: it must be non-empty, without spaces or "+"`,
    );
  }
  const { publicKey, secretKey } = mlDsaKeygen(44);
  const fileText =
    JSON.stringify(
      {
        v: 1,
        type: 'ogas-log-key',
        origin,
        publicKey: toBase64(publicKey),
        secretKey: toBase64(secretKey),
      },
      null,
      2,
    ) + '\n';
  return ok({
    key: { origin, signer: { name: origin, publicKey, secretKey }, vkey: encodeVkey(origin, publicKey) },
    fileText,
  });
}

/** Parses a key file, checking the key sizes and that the secret key belongs to the public key. */
export function parseLogKeyFile(text: string): Result<LogKey, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`the log key file is not JSON: ${(e as Error).message}`);
  }
  const parsed = LogKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err(
      `the log key file is not an ogas log key: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
  }
  const { origin } = parsed.data;
  const publicKey = fromBase64(parsed.data.publicKey);
  const secretKey = fromBase64(parsed.data.secretKey);
  const sizes = ML_DSA_SIZES[44];
  if (publicKey.length !== sizes.publicKey || secretKey.length !== sizes.secretKey) {
    return err(
      `the log key file does not hold an ML-DSA-44 key pair (${sizes.publicKey}/${sizes.secretKey} bytes)`,
    );
  }
  if (!bytesEqual(mlDsaPublicKey(44, secretKey), publicKey)) {
    return err('the log key file is damaged: its secret key does not belong to its public key');
  }
  return ok({ origin, signer: { name: origin, publicKey, secretKey }, vkey: encodeVkey(origin, publicKey) });
}
