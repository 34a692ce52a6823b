import { describe, expect, it } from 'vitest';
import { queueFieldsToDetails } from '../event-log/queue-log';
import { parseKioskConfig } from './kiosk-config';

const good = {
  v: 1,
  dataDir: 'data',
  trustFile: '/etc/ogas/authority-trust.json',
  officialsCa: ['officials-ca.pem'],
  ledgerUrl: 'https://ledger.example.org',
  pkcs11: { hsmTokenLabel: 'kiosk-hsm', hsmModule: '/usr/lib/softhsm/libsofthsm2.so' },
  scanners: [
    { kind: 'serial', path: '/dev/ttyACM0', framing: 'ssi' },
    { kind: 'hid', vendorId: '05e0', productId: '1900' },
  ],
  controller: { port: '/dev/ttyUSB0' },
};

describe('kiosk configuration file', () => {
  it('accepts a complete file and resolves relative paths from its folder', () => {
    const r = parseKioskConfig(JSON.stringify(good), '/etc/ogas');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.dataDir).toBe('/etc/ogas/data');
      expect(r.value.officialsCa).toEqual(['/etc/ogas/officials-ca.pem']);
      expect(r.value.trustFile).toBe('/etc/ogas/authority-trust.json');
      expect(r.value.controller).toEqual({ port: '/dev/ttyUSB0' });
    }
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an unknown field', JSON.stringify({ ...good, extra: 1 }), /unknown field\(s\) extra/],
    [
      'a bad ledger URL',
      JSON.stringify({ ...good, ledgerUrl: 'ftp://x' }),
      /ledgerUrl: must be an http\(s\) URL/,
    ],
    ['no HSM token label', JSON.stringify({ ...good, pkcs11: {} }), /pkcs11\.hsmTokenLabel/],
    [
      'an unknown framing',
      JSON.stringify({ ...good, scanners: [{ kind: 'serial', path: '/dev/x', framing: 'morse' }] }),
      /scanners\.0\.framing/,
    ],
    [
      'a bad USB id',
      JSON.stringify({ ...good, scanners: [{ kind: 'hid', vendorId: 'xyz' }] }),
      /4 hex digits/,
    ],
    ['no officials CA', JSON.stringify({ ...good, officialsCa: [] }), /officialsCa: list at least one/],
  ])('refuses %s, naming the field', (_name, text, why) => {
    const r = parseKioskConfig(text, '/etc/ogas');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.join('\n')).toMatch(why);
  });
});

describe('queue events into the event log', () => {
  it('keeps known fields, maps kind and status, drops the rest (counted)', () => {
    expect(
      queueFieldsToDetails({
        seq: 3,
        index: 10,
        size: 12,
        kind: 'unreachable',
        status: 409,
        rule: 'voter-checked-in',
        final: true,
      }),
    ).toEqual({
      seq: 3,
      index: 10,
      size: 12,
      code: 'unreachable',
      httpStatus: 409,
      rule: 'voter-checked-in',
      final: true,
    });
    expect(queueFieldsToDetails({ voterRef: 'a'.repeat(64), tracker: 'b'.repeat(32), rule: '' })).toEqual({
      note: '2 field(s) not kept by the event log',
    });
    expect(queueFieldsToDetails({ kind: 'Free Text With Spaces' })).toEqual({
      note: '1 field(s) not kept by the event log',
    });
  });
});
