/**
 * The challenge a card signs to prove it holds its certificate's key (FIPS 201-3 §6.2.3.1 PKI-AUTH:
 * the relying system sends a fresh challenge, the card signs it with the PIV authentication key).
 * Ours is bound to this kiosk and this card session, so a signature made at one kiosk, or in an
 * earlier session, proves nothing here:
 *
 *   challenge = UTF-8 "ogas-card-auth-v1" ‖ 0x00 ‖ kiosk id (32 raw bytes) ‖ session id (16 raw bytes)
 *               ‖ nonce (32 random bytes)                                           (113 bytes)
 *
 * The card signs SHA-256(challenge) (CKM_ECDSA over the hash, or CKM_SHA256_RSA_PKCS), which
 * protocol/certificates verifyCardSignature(cert, challenge, sig) checks. Every field after the domain
 * has a fixed length, so no two inputs give the same bytes. Hex fields enter as raw bytes (DESIGN §3).
 */
import { randomBytes } from 'node:crypto';
import { concatBytes, fromHex, utf8 } from '../../protocol/bytes';

export const CARD_CHALLENGE_DOMAIN = 'ogas-card-auth-v1';
export const CARD_CHALLENGE_LENGTH = CARD_CHALLENGE_DOMAIN.length + 1 + 32 + 16 + 32;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** A fresh 16-byte card-session id, as 32 lowercase hex digits. */
export function newCardSessionId(): string {
  return randomBytes(16).toString('hex');
}

export function cardChallenge(kioskId: string, sessionId: string, nonce: Uint8Array): Uint8Array {
  if (!HEX64.test(kioskId)) throw new RangeError('kiosk id must be 64 lowercase hex digits (DESIGN §3)');
  if (!HEX32.test(sessionId)) throw new RangeError('card session id must be 32 lowercase hex digits');
  if (nonce.length !== 32) throw new RangeError('challenge nonce must be 32 bytes');
  return concatBytes(
    utf8(CARD_CHALLENGE_DOMAIN),
    new Uint8Array([0]),
    fromHex(kioskId),
    fromHex(sessionId),
    nonce,
  );
}

export function newCardChallenge(kioskId: string, sessionId: string): Uint8Array {
  return cardChallenge(kioskId, sessionId, new Uint8Array(randomBytes(32)));
}
