/**
 * A witness's cosigning key (C2SP tlog-witness: "a witness is ... identified by a name and a public
 * key"; C2SP tlog-cosignature: ML-DSA-44). Stored as one JSON file, readable by its owner only, in the
 * format `ogas election demo` writes for its witnesses (main/election-demo/key-files.ts):
 *
 *   {"v":1,"type":"ogas-witness-key","name":"<name>","publicKey":"<base64>","secretKey":"<base64>"}
 *
 * The public half travels as a C2SP vkey (`name+hex(keyID)+base64(0x06 ‖ key)`), which goes into the
 * election package's `ledger.witnesses[].key`.
 */
import { z } from 'zod';
import { bytesEqual, fromBase64, isBase64, toBase64 } from '../../protocol/bytes';
import { encodeVkey, isValidKeyName, type CosignerSigner } from '../../protocol/checkpoint';
import { ML_DSA_SIZES, mlDsaKeygen, mlDsaPublicKey } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';

export interface WitnessKey {
  /** Signs cosignatures as the cosigner `name`. */
  readonly signer: CosignerSigner;
  /** The C2SP vkey of the public key. */
  readonly vkey: string;
}

const b64 = z.string().refine(isBase64, 'must be standard base64 with padding');
const WitnessKeyFileSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('ogas-witness-key'),
  name: z.string().refine(isValidKeyName, 'must be a key name: not empty, no space or plus'),
  publicKey: b64,
  secretKey: b64,
});

function nameProblem(name: string): string | undefined {
  if (!isValidKeyName(name)) {
    return `witness name ${JSON.stringify(name)} cannot name a key: it must be non-empty, without spaces or "+"`;
  }
  if (new TextEncoder().encode(name).length > 255) {
    return 'a witness name is at most 255 bytes (C2SP tlog-cosignature signs it with a one-byte length)';
  }
  return undefined;
}

/** The key file text for a key pair (what `ogas witness keygen` writes). */
export function witnessKeyFileText(
  name: string,
  keys: { publicKey: Uint8Array; secretKey: Uint8Array },
): string {
  return (
    JSON.stringify(
      {
        v: 1,
        type: 'ogas-witness-key',
        name,
        publicKey: toBase64(keys.publicKey),
        secretKey: toBase64(keys.secretKey),
      },
      null,
      2,
    ) + '\n'
  );
}

/** A new ML-DSA-44 witness key named `name`, and the file text to store it as. */
export function generateWitnessKey(name: string): Result<{ key: WitnessKey; fileText: string }, string> {
  const problem = nameProblem(name);
  if (problem) return err(problem);
  const { publicKey, secretKey } = mlDsaKeygen(44);
  return ok({
    key: { signer: { name, publicKey, secretKey }, vkey: encodeVkey(name, publicKey) },
    fileText: witnessKeyFileText(name, { publicKey, secretKey }),
  });
}

/**
 * Parses a witness key file, checking the key sizes and that the secret key belongs to the public key.
 * `expectedName` (the `--name` flag) must match the name in the file: the name is part of every
 * signed message, so a witness must not sign under a name its key file does not carry.
 */
export function parseWitnessKeyFile(text: string, expectedName?: string): Result<WitnessKey, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`the witness key file is not JSON: ${(e as Error).message}`);
  }
  const parsed = WitnessKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err(
      `the witness key file is not an ogas witness key: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
  }
  const { name } = parsed.data;
  const problem = nameProblem(name);
  if (problem) return err(problem);
  if (expectedName !== undefined && expectedName !== name) {
    return err(`the key file is for witness "${name}", not "${expectedName}"`);
  }
  const publicKey = fromBase64(parsed.data.publicKey);
  const secretKey = fromBase64(parsed.data.secretKey);
  const sizes = ML_DSA_SIZES[44];
  if (publicKey.length !== sizes.publicKey || secretKey.length !== sizes.secretKey) {
    return err(
      `the witness key file does not hold an ML-DSA-44 key pair (${sizes.publicKey}/${sizes.secretKey} bytes)`,
    );
  }
  if (!bytesEqual(mlDsaPublicKey(44, secretKey), publicKey)) {
    return err('the witness key file is damaged: its secret key does not belong to its public key');
  }
  return ok({ signer: { name, publicKey, secretKey }, vkey: encodeVkey(name, publicKey) });
}
