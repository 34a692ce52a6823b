import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../protocol/bytes';
import { CARD_CHALLENGE_LENGTH, cardChallenge, newCardChallenge, newCardSessionId } from './card-challenge';

const kiosk = '11'.repeat(32);
const session = '22'.repeat(16);
const nonce = new Uint8Array(32).fill(0x33);

describe('cardChallenge', () => {
  it('is domain ‖ 0x00 ‖ kiosk id ‖ session id ‖ nonce, raw bytes', () => {
    const c = cardChallenge(kiosk, session, nonce);
    expect(c.length).toBe(CARD_CHALLENGE_LENGTH);
    expect(toHex(c)).toBe(toHex(utf8('ogas-card-auth-v1')) + '00' + kiosk + session + '33'.repeat(32));
  });

  it('differs per kiosk, per session and per call', () => {
    const a = newCardChallenge(kiosk, session);
    expect(toHex(a)).not.toBe(toHex(newCardChallenge(kiosk, session)));
    expect(toHex(cardChallenge('44'.repeat(32), session, nonce))).not.toBe(
      toHex(cardChallenge(kiosk, session, nonce)),
    );
    expect(toHex(cardChallenge(kiosk, newCardSessionId(), nonce))).not.toBe(
      toHex(cardChallenge(kiosk, session, nonce)),
    );
  });

  it('refuses ids of the wrong shape', () => {
    expect(() => cardChallenge('AB'.repeat(32), session, nonce)).toThrow(/kiosk id/);
    expect(() => cardChallenge(kiosk, '22', nonce)).toThrow(/session id/);
    expect(() => cardChallenge(kiosk, session, new Uint8Array(31))).toThrow(/nonce/);
  });
});
