import { describe, expect, it } from 'vitest';
import { pkcs11jsStyleError } from './fault-injection';
import { CKR, ckrName } from './pkcs11-constants';
import { errorCountKey, isCardGone, pkcs11ErrorFromCkr, pkcs11ErrorFromThrown } from './pkcs11-errors';

// DESIGN §8: every return code it lists, with the kind it must map to (PKCS#11 3.2 pkcs11t.h values).
const DESIGN_8: [number, string, string][] = [
  [0x32, 'CKR_DEVICE_REMOVED', 'device-removed'],
  [0xe0, 'CKR_TOKEN_NOT_PRESENT', 'token-not-present'],
  [0xb3, 'CKR_SESSION_HANDLE_INVALID', 'session-handle-invalid'],
  [0xb0, 'CKR_SESSION_CLOSED', 'session-closed'],
  [0xa0, 'CKR_PIN_INCORRECT', 'pin-incorrect'],
  [0xa2, 'CKR_PIN_LEN_RANGE', 'pin-len-range'],
  [0xa3, 'CKR_PIN_EXPIRED', 'pin-expired'],
  [0xa4, 'CKR_PIN_LOCKED', 'pin-locked'],
  [0x101, 'CKR_USER_NOT_LOGGED_IN', 'user-not-logged-in'],
  [0x100, 'CKR_USER_ALREADY_LOGGED_IN', 'user-already-logged-in'],
  [0x191, 'CKR_CRYPTOKI_ALREADY_INITIALIZED', 'cryptoki-already-initialized'],
  [0xe1, 'CKR_TOKEN_NOT_RECOGNIZED', 'token-not-recognized'],
  [0x30, 'CKR_DEVICE_ERROR', 'device-error'],
  [0xc0, 'CKR_SIGNATURE_INVALID', 'signature-invalid'],
  [0x54, 'CKR_FUNCTION_NOT_SUPPORTED', 'function-not-supported'],
];

describe('PKCS#11 return codes → typed errors', () => {
  it.each(DESIGN_8)('0x%s %s → %s, with advice', (code, name, kind) => {
    const e = pkcs11ErrorFromCkr(code, 'C_Login');
    expect(e).toMatchObject({ kind, ckr: code, ckrName: name, call: 'C_Login' });
    // A message a poll worker can act on: a full sentence that says what to do.
    expect(e.message).toMatch(/^[A-Z].*\.$/);
    expect(e.message).toMatch(
      /insert|try|use another|call a technician|restart|remove|issuing office|report/i,
    );
  });

  it('treats removal-type codes (and only those) as "card gone"', () => {
    const gone = DESIGN_8.filter(([code]) => isCardGone(pkcs11ErrorFromCkr(code, 'C_Sign'))).map(
      ([, n]) => n,
    );
    expect(gone).toEqual([
      'CKR_DEVICE_REMOVED',
      'CKR_TOKEN_NOT_PRESENT',
      'CKR_SESSION_HANDLE_INVALID',
      'CKR_SESSION_CLOSED',
    ]);
    expect(pkcs11ErrorFromCkr(CKR.DEVICE_REMOVED, 'C_Sign').message).toBe(
      'The card was removed. Insert it again and start over.',
    );
  });

  it('keeps an unlisted or vendor code as "other" with its name and number', () => {
    expect(pkcs11ErrorFromCkr(CKR.GENERAL_ERROR, 'C_Decrypt')).toMatchObject({
      kind: 'other',
      ckr: 5,
      ckrName: 'CKR_GENERAL_ERROR',
    });
    expect(ckrName(0x80000001)).toBe('CKR_0x80000001');
    expect(pkcs11ErrorFromCkr(0x80000001, 'C_Sign').message).toMatch(/CKR_0x80000001 to C_Sign/);
  });

  it('reads what pkcs11js throws, and refuses to read anything else (a bug must stay a thrown error)', () => {
    const thrown = pkcs11jsStyleError(CKR.PIN_INCORRECT, 'C_Login');
    expect(thrown).toMatchObject({ name: 'Pkcs11Error', message: 'CKR_PIN_INCORRECT', code: 0xa0 });
    expect(pkcs11ErrorFromThrown(thrown, 'fallback')).toMatchObject({
      kind: 'pin-incorrect',
      call: 'C_Login',
    });
    expect(pkcs11ErrorFromThrown(new TypeError('Parameter 1 MUST be Buffer'), 'C_Sign')).toBeNull();
    expect(pkcs11ErrorFromThrown({ code: 0, message: 'CKR_OK' }, 'C_Sign')).toBeNull();
    expect(pkcs11ErrorFromThrown('CKR_PIN_INCORRECT', 'C_Sign')).toBeNull();
  });

  it('counts errors under their CKR name, or their kind when there is none', () => {
    expect(errorCountKey(pkcs11ErrorFromCkr(CKR.DEVICE_ERROR, 'C_Sign'))).toBe('CKR_DEVICE_ERROR');
    expect(errorCountKey({ kind: 'worker-stopped', message: 'x' })).toBe('worker-stopped');
  });
});
