import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { ElectionIdSchema } from '../election/schema';
import { cardCredentialKey, credentialTableKey, docCredentialKey } from './credentials';
import { createProvisioningBundle, lookupCredential, parseProvisioningBundle } from './provisioning-bundle';
import { parseRollJsonLines } from './roll-file';
import { voterRef } from './voter-ref';

const salt = new Uint8Array(32).map((_, i) => i);

describe('voterRef and credential keys (DESIGN §4 steps 1–2)', () => {
  it('voterRef = SHA-256("ogas-voter-v1" ‖ rollSalt ‖ UTF-8 person id)', () => {
    expect(voterRef(salt, 'Zoë-42')).toBe(toHex(sha256(utf8('ogas-voter-v1'), salt, utf8('Zoë-42'))));
    expect(voterRef(salt, 'a')).not.toBe(voterRef(new Uint8Array(32), 'a'));
    expect(() => voterRef(new Uint8Array(31), 'a')).toThrow(/rollSalt must be 32 bytes/);
  });

  it('builds card: and doc: keys and refuses malformed ones with a reason', () => {
    expect(cardCredentialKey('ab'.repeat(32))).toBe(`card:${'ab'.repeat(32)}`);
    expect(() => cardCredentialKey('AB')).toThrow();
    // ICAO 9303-3 §5: Germany's MRZ code is the single letter D (written "D<<").
    expect(docCredentialKey('D', 'C01X00T47')).toEqual({ ok: true, value: 'doc:D:C01X00T47' });
    expect(docCredentialKey('usa', 'X')).toEqual({
      ok: false,
      error: 'issuing state "usa" is neither an MRZ alpha-3 code nor USA-/CAN- and a jurisdiction',
    });
    expect(docCredentialKey('UTO', 'L898902C3')).toEqual({ ok: true, value: 'doc:UTO:L898902C3' });
    expect(docCredentialKey('USA-CA', 'D1234567')).toEqual({ ok: true, value: 'doc:USA-CA:D1234567' });
    expect(docCredentialKey('UTO', 'L898<<')).toEqual({
      ok: false,
      error: 'document number must be given without "<" fillers',
    });
    // AAMVA DAQ may carry inner spaces; a space at either end is refused so both sides agree.
    expect(docCredentialKey('CAN-QC', 'A B').ok).toBe(true);
    expect(docCredentialKey('UTO', ' AB').ok).toBe(false);
    expect(docCredentialKey('UTO', 'AB ').ok).toBe(false);
    expect(credentialTableKey(salt, 'doc:UTO:L898902C3')).toBe(
      toHex(sha256(salt, utf8('doc:UTO:L898902C3'))),
    );
  });
});

describe('provisioning bundle', () => {
  const election = ElectionIdSchema.parse('cd'.repeat(32));
  const alice = voterRef(salt, 'alice');

  it('maps several credentials of one person to the same voterRef; round-trips through JSON', () => {
    const made = createProvisioningBundle(election, salt, [
      { credentialKey: 'doc:UTO:L898902C3', voterRef: alice, style: 'fra-par' },
      { credentialKey: `card:${'11'.repeat(32)}`, voterRef: alice, style: 'fra-par' },
    ]);
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    const parsed = parseProvisioningBundle(JSON.parse(JSON.stringify(made.value)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(lookupCredential(parsed.value, 'doc:UTO:L898902C3')).toEqual({
      voterRef: alice,
      style: 'fra-par',
    });
    expect(lookupCredential(parsed.value, `card:${'11'.repeat(32)}`)?.voterRef).toBe(alice);
    expect(lookupCredential(parsed.value, 'doc:UTO:L898902C4')).toBeUndefined();
    // The table holds no credential in the clear.
    expect(JSON.stringify(made.value)).not.toContain('L898902C3');
  });

  it('refuses a duplicate credential, an unsorted table and unknown fields', () => {
    const dup = createProvisioningBundle(election, salt, [
      { credentialKey: 'doc:UTO:1', voterRef: alice, style: 's' },
      { credentialKey: 'doc:UTO:1', voterRef: alice, style: 's' },
    ]);
    expect(dup).toEqual({ ok: false, error: 'credential doc:UTO:1 is listed twice' });
    const made = createProvisioningBundle(election, salt, [
      { credentialKey: 'doc:UTO:1', voterRef: alice, style: 's' },
      { credentialKey: 'doc:UTO:2', voterRef: alice, style: 's' },
    ]);
    if (!made.ok) throw new Error(made.error);
    const reversed = { ...made.value, credentials: [...made.value.credentials].reverse() };
    const r = parseProvisioningBundle(reversed);
    expect(!r.ok && r.error[0]).toEqual({
      path: 'credentials[1].key',
      message: 'credentials must be sorted by key, each key once',
      check: 'credentials-sorted',
    });
    const extra = parseProvisioningBundle({ ...made.value, pin: '1234' });
    expect(!extra.ok && extra.error[0]!.path).toBe('pin');
  });
});

describe('roll JSON lines', () => {
  it('parses records and names every bad line', () => {
    const good = JSON.stringify({ voterRef: 'ab'.repeat(32), country: 'FRA', style: 's' });
    expect(parseRollJsonLines(`${good}\n`)).toMatchObject({ ok: true, value: [{ country: 'FRA' }] });
    const r = parseRollJsonLines(`${good}\n\n{"voterRef":"x","country":"FRA","style":"s"}\nnope\n`);
    expect(r.ok ? [] : r.error).toEqual([
      'line 2: empty line',
      'line 3: voterRef: must be 64 lowercase hex characters',
      expect.stringMatching(/^line 4: not JSON/),
    ]);
  });
});
