/**
 * Loads the native ML-DSA verifier and signer (PQClean via N-API, built by scripts/build-native.mjs at
 * install) as a protocol `MlDsaVerifier` and `MlDsaSigner`. Returns a reason instead when it is
 * missing, so callers can fall back to noble and say why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MlDsaLevel, MlDsaSigner, MlDsaVerifier } from '../../protocol/ml-dsa';
import { ML_DSA_SIZES } from '../../protocol/ml-dsa';

interface Addon {
  verify(level: number, pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, ctx: Uint8Array): boolean;
  sign(level: number, sk: Uint8Array, msg: Uint8Array, ctx: Uint8Array): Uint8Array;
}

const ADDON_PATH = new URL('./build/Release/ogas_ml_dsa.node', import.meta.url);

export type NativeLoad =
  | { readonly ok: true; readonly verifier: MlDsaVerifier; readonly signer: MlDsaSigner }
  | { readonly ok: false; readonly reason: string };

let cached: NativeLoad | undefined;

export function loadNativeMlDsa(): NativeLoad {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) {
    cached = {
      ok: false,
      reason: 'native/ml-dsa is not built (run `node scripts/build-native.mjs`; needs python3, make, g++)',
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(fileURLToPath(ADDON_PATH)) as Addon;
    const verifier: MlDsaVerifier = {
      name: 'pqclean-native',
      verify(level: MlDsaLevel, publicKey, message, signature, context) {
        const sizes = ML_DSA_SIZES[level];
        if (publicKey.length !== sizes.publicKey || signature.length !== sizes.signature) return false;
        if (context.length > 255) return false;
        return addon.verify(level, publicKey, message, signature, context);
      },
    };
    const signer: MlDsaSigner = {
      name: 'pqclean-native',
      sign(level: MlDsaLevel, secretKey, message, context) {
        const size = ML_DSA_SIZES[level].secretKey;
        if (secretKey.length !== size)
          throw new RangeError(`ML-DSA-${level} secret key must be ${size} bytes, got ${secretKey.length}`);
        if (context.length > 255)
          throw new RangeError('ML-DSA context longer than 255 bytes (FIPS 204 §5.2)');
        return addon.sign(level, secretKey, message, context);
      },
    };
    cached = { ok: true, verifier, signer };
  } catch (e) {
    cached = { ok: false, reason: `native/ml-dsa failed to load: ${(e as Error).message}` };
  }
  return cached;
}

/** The fastest verifier this machine has, with its name for logs and benchmarks. */
export function fastestMlDsaVerifier(fallback: MlDsaVerifier): { verifier: MlDsaVerifier; note?: string } {
  const native = loadNativeMlDsa();
  return native.ok ? { verifier: native.verifier } : { verifier: fallback, note: native.reason };
}

/** The fastest signer this machine has (hedged, as noble's), with why it is not native when it is not. */
export function fastestMlDsaSigner(fallback: MlDsaSigner): { signer: MlDsaSigner; note?: string } {
  const native = loadNativeMlDsa();
  return native.ok ? { signer: native.signer } : { signer: fallback, note: native.reason };
}
