/**
 * ML-DSA (FIPS 204) signing and verification with the context strings of DESIGN §3.
 *
 * Pure mode, hedged signing (FIPS 204 §3.4: fresh randomness per signature), with a context string
 * naming the object type (FIPS 204 §5.2, Algorithm 2: M' = 0 ‖ |ctx| ‖ ctx ‖ M). Signing always uses
 * noble (auditable, no native code on the kiosk's signing path). Verification goes through a
 * `MlDsaVerifier` so that the ledger and the auditor can pass in a faster backend (DESIGN §1: heavier
 * backends are passed in, not imported); the default is noble.
 */
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { utf8 } from './bytes';

export type MlDsaLevel = 44 | 65;

/** FIPS 204 Table 2 sizes, in bytes. */
export const ML_DSA_SIZES = {
  44: { publicKey: 1312, secretKey: 2560, signature: 2420 },
  65: { publicKey: 1952, secretKey: 4032, signature: 3309 },
} as const satisfies Record<MlDsaLevel, { publicKey: number; secretKey: number; signature: number }>;

/** DESIGN §3 context strings, one per signed object type. Checkpoints use the empty context (C2SP). */
export const SIGNING_CONTEXTS = {
  election: 'ogas-election-v1',
  ballot: 'ogas-ballot-v1',
  checkin: 'ogas-checkin-v1',
  batch: 'ogas-batch-v1',
  kiosk: 'ogas-kiosk-v1',
  checkpoint: '',
} as const;

export type SigningPurpose = keyof typeof SIGNING_CONTEXTS;

/** The algorithm each purpose is signed with (DESIGN §3 table). */
export const PURPOSE_LEVEL: Record<SigningPurpose, MlDsaLevel> = {
  election: 65,
  ballot: 65,
  checkin: 65,
  batch: 65,
  kiosk: 65,
  checkpoint: 44,
};

export function contextBytes(purpose: SigningPurpose): Uint8Array {
  return utf8(SIGNING_CONTEXTS[purpose]);
}

/** A verification backend: pure ML-DSA verify with an explicit context. Must never throw on bad input. */
export interface MlDsaVerifier {
  readonly name: string;
  verify(
    level: MlDsaLevel,
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    context: Uint8Array,
  ): boolean;
}

function noble(level: MlDsaLevel) {
  return level === 44 ? ml_dsa44 : ml_dsa65;
}

/** The reference backend (@noble/post-quantum): slow (≈350 ML-DSA-65 verifies/s a core) but auditable. */
export const nobleVerifier: MlDsaVerifier = {
  name: 'noble',
  verify(level, publicKey, message, signature, context) {
    const sizes = ML_DSA_SIZES[level];
    if (publicKey.length !== sizes.publicKey || signature.length !== sizes.signature) return false;
    if (context.length > 255) return false;
    try {
      return noble(level).verify(signature, message, publicKey, { context });
    } catch {
      return false;
    }
  },
};

export interface MlDsaKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** ML-DSA.KeyGen (FIPS 204 Algorithm 1); `seed` (32 bytes) makes it deterministic, for test vectors. */
export function mlDsaKeygen(level: MlDsaLevel, seed?: Uint8Array): MlDsaKeyPair {
  if (seed && seed.length !== 32)
    throw new RangeError(`ML-DSA key seed must be 32 bytes, got ${seed.length}`);
  const { publicKey, secretKey } = seed ? noble(level).keygen(seed) : noble(level).keygen();
  return { publicKey, secretKey };
}

/** Public key of a secret key (FIPS 204 keys carry ρ and t1's hash; noble re-derives). */
export function mlDsaPublicKey(level: MlDsaLevel, secretKey: Uint8Array): Uint8Array {
  return noble(level).getPublicKey(secretKey);
}

/**
 * ML-DSA.Sign, hedged (FIPS 204 Algorithm 2: 32 fresh random bytes `rnd` per signature). `rnd` may be
 * given only to replay test vectors (all zeros = the deterministic variant of FIPS 204 §3.4); DESIGN §3
 * requires fresh randomness for everything we publish, so production callers never pass it.
 */
export function mlDsaSignRaw(
  level: MlDsaLevel,
  secretKey: Uint8Array,
  message: Uint8Array,
  context: Uint8Array,
  testOnly: { readonly rnd?: Uint8Array } = {},
): Uint8Array {
  if (context.length > 255) throw new RangeError('ML-DSA context longer than 255 bytes (FIPS 204 §5.2)');
  if (secretKey.length !== ML_DSA_SIZES[level].secretKey) {
    throw new RangeError(
      `ML-DSA-${level} secret key must be ${ML_DSA_SIZES[level].secretKey} bytes, got ${secretKey.length}`,
    );
  }
  const rnd = testOnly.rnd;
  return noble(level).sign(message, secretKey, rnd ? { context, extraEntropy: rnd } : { context });
}

/**
 * A signing backend: hedged pure ML-DSA.Sign with an explicit context (FIPS 204 Algorithm 2). Throws on
 * a secret key of the wrong size or a context over 255 bytes.
 */
export interface MlDsaSigner {
  readonly name: string;
  sign(level: MlDsaLevel, secretKey: Uint8Array, message: Uint8Array, context: Uint8Array): Uint8Array;
}

/** The reference signer (@noble/post-quantum): ≈140 ML-DSA-65 signatures/s a core. */
export const nobleSigner: MlDsaSigner = {
  name: 'noble',
  sign: (level, secretKey, message, context) => mlDsaSignRaw(level, secretKey, message, context),
};

/** Signs `message` for a DESIGN §3 purpose: the algorithm and context come from the table, not the caller. */
export function mlDsaSign(
  purpose: SigningPurpose,
  secretKey: Uint8Array,
  message: Uint8Array,
  signer: MlDsaSigner = nobleSigner,
): Uint8Array {
  return signer.sign(PURPOSE_LEVEL[purpose], secretKey, message, contextBytes(purpose));
}

/** Verifies a signature made for a DESIGN §3 purpose, with the given backend (noble by default). */
export function mlDsaVerify(
  purpose: SigningPurpose,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  verifier: MlDsaVerifier = nobleVerifier,
): boolean {
  return verifier.verify(PURPOSE_LEVEL[purpose], publicKey, message, signature, contextBytes(purpose));
}
