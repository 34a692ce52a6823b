/**
 * Kiosk id (DESIGN §3): hex SHA-256 of the kiosk's ML-DSA-65 public key (the raw 1952 bytes).
 */
import type { z } from 'zod';
import { sha256Hex } from '../hash';
import { ML_DSA_SIZES } from '../ml-dsa';
import { hex32 } from '../election/primitives';

export const KioskIdSchema = hex32.brand<'KioskId'>();
export type KioskId = z.infer<typeof KioskIdSchema>;

export function kioskId(publicKey: Uint8Array): KioskId {
  if (publicKey.length !== ML_DSA_SIZES[65].publicKey) {
    throw new RangeError(
      `a kiosk key is ML-DSA-65: ${ML_DSA_SIZES[65].publicKey} bytes, got ${publicKey.length}`,
    );
  }
  return sha256Hex(publicKey) as KioskId;
}
