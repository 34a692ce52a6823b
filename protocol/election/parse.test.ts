/* eslint-disable @typescript-eslint/no-explicit-any -- these tests edit arbitrary JSON to make bad packages */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../drivers/pkcs11/test-ca';
import { canonicalJson } from '../jcs';
import { sha256Hex } from '../hash';
import { utf8 } from '../bytes';
import { parseElectionPackage, parseElectionPackageEntry, parseElectionPackageText } from './parse';
import { formatProblem } from './problems';
import { electionIdOf } from './election-id';
import { fixturePackage } from './test-fixture';
import type { ElectionPackageInput } from './schema';

let base: ElectionPackageInput;

beforeAll(async () => {
  const voters = await createTestCa('Voters CA');
  const officials = await createTestCa('Officials CA');
  base = fixturePackage({ voters: voters.certificatePem, officials: officials.certificatePem });
});

/** A deep copy of the fixture as plain JSON, changed by `edit`. */
function edited(edit: (p: any) => void): unknown {
  const copy = JSON.parse(JSON.stringify(base));
  edit(copy);
  return copy;
}

function problemsOf(value: unknown): string[] {
  const r = parseElectionPackage(value);
  return r.ok ? [] : r.error.map(formatProblem);
}

describe('parseElectionPackage: schema', () => {
  it('accepts the fixture and computes electionId over the JCS without signatures', () => {
    const r = parseElectionPackage(base);
    expect(r.ok ? [] : r.error.map(formatProblem)).toEqual([]);
    if (!r.ok) return;
    const { signatures: _s, ...rest } = base;
    expect(r.value.electionId).toBe(sha256Hex(utf8(canonicalJson(rest))));
    expect(new TextDecoder().decode(r.value.entryBytes)).toBe(canonicalJson(base));
  });

  it('names the path and the reason of a wrong field', () => {
    expect(
      problemsOf(
        edited((p) => {
          p.contests[0].rule.countryThreshold.den = 0;
        }),
      ),
    ).toContain('contests[0].rule.countryThreshold.den: must be a positive integer');
    expect(problemsOf(edited((p) => (p.window.opens = '2030-05-01 08:00')))).toContain(
      'window.opens: must be an RFC 3339 date-time with an offset, e.g. 2030-05-01T08:00:00+02:00',
    );
    expect(problemsOf(edited((p) => (p.window.opens = '2030-05-01T08:00:00')))).toContain(
      'window.opens: must be an RFC 3339 date-time with an offset, e.g. 2030-05-01T08:00:00+02:00',
    );
    expect(problemsOf(edited((p) => (p.window.opens = '2030-02-30T08:00:00Z')))).toHaveLength(1);
    expect(problemsOf(edited((p) => (p.qualifications.voters.rollRoot = 'ABC')))).toContain(
      'qualifications.voters.rollRoot: must be 64 lowercase hex characters',
    );
    expect(problemsOf(edited((p) => (p.districts[1].kind = 'province')))).toContain(
      'districts[1].kind: must be "country", "state" or "block"',
    );
    expect(problemsOf(edited((p) => (p.v = 2)))).toContain('v: must be 1');
    expect(problemsOf(edited((p) => (p.languages = ['en_GB', 'EN'])))).toEqual([
      'languages[0]: must be a BCP 47 language tag in canonical form (e.g. "en", "pt-BR")',
      'languages[1]: must be a BCP 47 language tag in canonical form (e.g. "en", "pt-BR")',
    ]);
    expect(
      problemsOf(edited((p) => (p.signatures = [{ key: 'a'.repeat(64), sig: 'not base64!' }]))),
    ).toContain('signatures[0].sig: must be standard base64 with padding');
    expect(problemsOf(edited((p) => (p.ledger.logKey = 'nope')))).toContain(
      'ledger.logKey: must be a C2SP vkey: name+hex key id (8)+base64 key',
    );
    expect(problemsOf(edited((p) => (p.contests[1].rule = { kind: 'plurality' })))).toContain(
      'contests[1].rule.kind: must be one of "majority", "country-supermajority"',
    );
    expect(problemsOf(edited((p) => (p.qualifications.voters.mode = 'lottery')))).toContain(
      'qualifications.voters.mode: must be one of "roll", "sample"',
    );
    expect(problemsOf(edited((p) => (p.qualifications.voters.k = 1.5)))).toContain(
      'qualifications.voters.k: must be a positive integer',
    );
  });

  it('refuses unknown fields anywhere (closed schema) and names missing ones', () => {
    expect(problemsOf(edited((p) => (p.extra = 1)))).toContain(
      'extra: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
    );
    expect(problemsOf(edited((p) => (p.contests[2].options[1].color = 'red')))).toContain(
      'contests[2].options[1].color: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
    );
    expect(problemsOf(edited((p) => (p.qualifications.voters.eligibleByCountry = {})))).toEqual([
      'qualifications.voters.eligibleByCountry: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
    ]);
    expect(problemsOf(edited((p) => delete p.ledger))).toContain('ledger: is required');
    expect(problemsOf(edited((p) => delete p.contests[0].rule.base))).toContain(
      'contests[0].rule.base: is required',
    );
    expect(problemsOf(edited((p) => (p.districts = {})))).toContain('districts: must be an array');
    expect(problemsOf([])).toContain('must be an object with the fields of DESIGN §4');
  });

  it('fills in defaults without changing the electionId of what was given', () => {
    const sparse = edited((p) => {
      delete p.window.drainHours;
      p.privacy = {};
      p.limits = {};
    });
    const r = parseElectionPackage(sparse);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.package.window.drainHours).toBe(24);
    expect(r.value.package.privacy.minBatch).toBe(20);
    expect(r.value.package.limits.maxBatch).toBe(1000);
    expect(r.value.electionId).toBe(electionIdOf(sparse as ElectionPackageInput));
    expect(r.value.electionId).not.toBe(electionIdOf(r.value.package));
  });
});

describe('package text and entry 0', () => {
  it('accepts pretty JSON as a file but only canonical bytes as entry 0', () => {
    const pretty = JSON.stringify(base, null, 2);
    expect(parseElectionPackageText(pretty).ok).toBe(true);
    const entry = parseElectionPackageEntry(utf8(pretty));
    expect(entry.ok).toBe(false);
    expect(!entry.ok && entry.error[0]!.message).toMatch(/not canonical JSON/);
    expect(parseElectionPackageEntry(utf8(canonicalJson(base))).ok).toBe(true);
    const bad = parseElectionPackageText('{"v":');
    expect(!bad.ok && bad.error[0]!.message).toMatch(/not JSON/);
    expect(parseElectionPackageText(new Uint8Array([0xff, 0xfe])).ok).toBe(false);
  });
});
