/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- these tests edit arbitrary JSON to make bad packages */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../drivers/pkcs11/test-ca';
import { mlDsaKeygen } from '../ml-dsa';
import { parseElectionPackage } from './parse';
import { formatProblem } from './problems';
import { SEMANTIC_CHECKS } from './semantic-checks';
import type { ElectionPackageInput } from './schema';
import { fixturePackage } from './test-fixture';
import { encodeVkey, parseVkey } from '../checkpoint/vkey';

let base: ElectionPackageInput;
let leafPem: string;

beforeAll(async () => {
  const voters = await createTestCa('Voters CA');
  const officials = await createTestCa('Officials CA');
  base = fixturePackage({ voters: voters.certificatePem, officials: officials.certificatePem });
  const { issueCardCertificate } = await import('../../drivers/pkcs11/test-ca');
  leafPem = (await issueCardCertificate(officials, { commonName: 'O', role: 'official' })).certificatePem;
});

function edited(edit: (p: any) => void): unknown {
  const copy = JSON.parse(JSON.stringify(base));
  edit(copy);
  return copy;
}

/** The problems of an edited fixture, as `check | path: message`. */
function problems(edit: (p: any) => void): string[] {
  const r = parseElectionPackage(edited(edit));
  return r.ok ? [] : r.error.map((p) => `${p.check} | ${formatProblem(p)}`);
}

// One row per semantic check: an edit that breaks only that rule and the exact refusal.
const CASES: [string, (p: any) => void, string | RegExp][] = [
  ['languages-unique', (p) => p.languages.push('en'), 'languages[2]: "en" is listed twice'],
  [
    'languages-complete',
    (p) => delete p.contests[2].options[1].label.fr,
    'contests[2].options[1].label: has no text in language "fr" (every language of languages is required)',
  ],
  ['languages-complete', (p) => (p.title.de = 'Wahl'), 'title.de: language "de" is not in languages'],
  [
    'district-ids-unique',
    (p) => p.districts.push({ id: 'DEU', kind: 'country', parent: null }),
    'districts[5].id: "DEU" is used twice (first at districts[3])',
  ],
  [
    'district-tree',
    (p) => p.districts.push({ id: 'Xyz', kind: 'country', parent: null }),
    'districts[5].id: a country id must be an ISO 3166-1 alpha-3 code (three uppercase letters), not "Xyz"',
  ],
  ['district-tree', (p) => (p.districts[0].parent = 'DEU'), 'districts[0].parent: a country has parent null'],
  [
    'district-tree',
    (p) => (p.districts[1].parent = null),
    'districts[1].parent: a state must have a parent district',
  ],
  [
    'district-tree',
    (p) => (p.districts[2].parent = 'NOPE'),
    'districts[2].parent: no district has id "NOPE"',
  ],
  [
    'district-tree',
    (p) => (p.districts[1].parent = 'FRA-IDF-PAR'),
    'districts[1].parent: a state\'s parent must be a country, "FRA-IDF-PAR" is a block',
  ],
  [
    'contest-ids-unique',
    (p) => (p.contests[3].id = 'proposal'),
    'contests[3].id: "proposal" is used twice (first at contests[0])',
  ],
  [
    'contest-scope',
    (p) => (p.contests[1].scope = 'ESP'),
    'contests[1].scope: must be "global" or a district id; no district has id "ESP"',
  ],
  [
    'option-ids-unique',
    (p) => (p.contests[2].options[2].id = 'a'),
    'contests[2].options[2].id: "a" is used twice (first at contests[2].options[0])',
  ],
  [
    'max-choices',
    (p) => (p.contests[2].maxChoices = 4),
    'contests[2].maxChoices: is 4 but the contest has only 3 option(s)',
  ],
  [
    'supermajority-contest',
    (p) => (p.contests[0].options[0].id = 'oui'),
    'contests[0].options: a country-supermajority contest needs an option with id "yes"',
  ],
  [
    'threshold-below-one',
    (p) => (p.contests[0].rule.passThreshold = { num: 10, den: 10 }),
    'contests[0].rule.passThreshold: 10/10 can never be exceeded: num must be less than den',
  ],
  [
    'style-ids-unique',
    (p) => (p.ballotStyles[2].id = 'deu'),
    'ballotStyles[2].id: "deu" is used twice (first at ballotStyles[1])',
  ],
  [
    'style-references',
    (p) => p.ballotStyles[1].contests.push('nope'),
    'ballotStyles[1].contests[1]: no contest has id "nope"',
  ],
  [
    'style-references',
    (p) => p.ballotStyles[1].districts.push('nope'),
    'ballotStyles[1].districts[1]: no district has id "nope"',
  ],
  [
    'style-one-country',
    (p) => p.ballotStyles[1].districts.push('USA'),
    'ballotStyles[1].districts: names 2 countries (DEU, USA); a style names at most one',
  ],
  [
    'style-district-parents',
    (p) => p.ballotStyles[1].districts.push('FRA-IDF-PAR'),
    'ballotStyles[1].districts[1]: "FRA-IDF-PAR" is in the style but its parent "FRA-IDF" is not',
  ],
  [
    'contest-in-style-scope',
    (p) => p.ballotStyles[1].contests.push('fra-national'),
    'ballotStyles[1].contests[1]: contest "fra-national" has scope "FRA", which is not among the style\'s districts',
  ],
  [
    'window-order',
    (p) => (p.window.closes = '2030-05-01T06:00:00Z'),
    'window.closes: must be later than window.opens (2030-05-01T08:00:00+02:00)',
  ],
  [
    'batch-limits',
    (p) => {
      p.privacy = { minBatch: 50 };
      p.limits = { maxBatch: 50 };
    },
    'limits.maxBatch: must be at least privacy.minBatch + 1 (51): a batch of minBatch ballots and its manifest travel in one request',
  ],
  ['round-previous', (p) => (p.round = 2), 'previous: round 2 must name the electionId of the round before'],
  [
    'round-previous',
    (p) => (p.previous = 'ab'.repeat(32)),
    'round: a package with previous is a later round: round must be 2 or more',
  ],
  [
    'nationalities-unique',
    (p) => p.qualifications.nationalities.push('FRA'),
    'qualifications.nationalities[3]: "FRA" is listed twice',
  ],
  [
    'roll-counts',
    (p) =>
      (p.qualifications.voters = {
        mode: 'roll',
        rollRoot: p.qualifications.voters.rollRoot,
        count: 10,
        eligibleByCountry: { FRA: 4, DEU: 4, ITA: 1 },
      }),
    'qualifications.voters.eligibleByCountry.ITA: "ITA" is not a country district of the package',
  ],
  [
    'sample-size',
    (p) => p.qualifications.voters.selected.pop(),
    'qualifications.voters.selected: lists 5 voters; min(k, rollCount) = 6',
  ],
  [
    'sample-sorted',
    (p) => p.qualifications.voters.selected.reverse(),
    'qualifications.voters.selected[1].voterRef: selected must be sorted by voterRef, each voter once',
  ],
  [
    'sample-styles',
    (p) => (p.qualifications.voters.selected[0].style = 'nope'),
    'qualifications.voters.selected[0].style: no ballot style has id "nope"',
  ],
  [
    'sample-reveals',
    (p) => (p.qualifications.voters.reveals[1] = '00'.repeat(32)),
    'qualifications.voters.reveals[1]: reveal 2 does not match commit 2: party 2 revealed a different secret',
  ],
  [
    'sample-reveals',
    (p) => p.qualifications.voters.reveals.pop(),
    'qualifications.voters.reveals[1]: party 2 did not reveal: the draw must restart with fresh commits from all parties',
  ],
  ['quorum', (p) => (p.ledger.quorum = 3), 'ledger.quorum: is 3 but only 2 witness(es) are listed'],
  [
    'vkeys',
    (p) => (p.ledger.origin = 'other.origin'),
    'ledger.logKey: is named "ledger.test/election" but the log signs as its origin "other.origin"',
  ],
  [
    'vkeys',
    (p) => (p.ledger.witnesses[0].key = p.ledger.witnesses[0].key.replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
    /^vkeys \| ledger.witnesses\[0\].key: vkey witness-1: key ID 00000000 does not match its name and key \([0-9a-f]{8}\)$/,
  ],
  [
    'witnesses-unique',
    (p) => (p.ledger.witnesses[1] = { ...p.ledger.witnesses[0] }),
    'ledger.witnesses[1].name: "witness-1" is listed twice',
  ],
  [
    'trust-certificates',
    (p) => (p.trust.officials = []),
    'trust.officials: must list at least one CA: kiosks are enrolled and polls opened with official cards',
  ],
  [
    'signatures-sorted',
    (p) =>
      (p.signatures = [
        { key: 'b'.repeat(64), sig: 'AA==' },
        { key: 'a'.repeat(64), sig: 'AA==' },
      ]),
    'signatures[1].key: signatures must be sorted by key, one per key',
  ],
];

describe('semantic checks (DESIGN §4)', () => {
  it.each(CASES)('%s: %s', (check, edit, message) => {
    if (typeof message === 'string') expect(problems(edit)).toContain(`${check} | ${message}`);
    else expect(problems(edit)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('covers every named check', () => {
    const covered = new Set(CASES.map(([check]) => check));
    expect(SEMANTIC_CHECKS.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('refuses a trust anchor that is not a CA certificate, and a vkey of the wrong type', () => {
    expect(problems((p) => (p.trust.voters = [leafPem]))).toContain(
      'trust-certificates | trust.voters[0]: "CN=O, OU=official, O=OGAS test PKI" is not a CA certificate (basicConstraints CA)',
    );
    const ml65 = mlDsaKeygen(65).publicKey;
    const bad = `witness-1+00000000+${Buffer.from([6, ...ml65]).toString('base64')}`;
    expect(problems((p) => (p.ledger.witnesses[0].key = bad))).toContain(
      'vkeys | ledger.witnesses[0].key: vkey witness-1: ML-DSA-44 public key is 1952 bytes, not 1312',
    );
    const pk = mlDsaKeygen(44).publicKey;
    const parsed = parseVkey(encodeVkey('a', pk));
    expect(parsed.ok && parsed.value.name).toBe('a');
    expect(parsed.ok && Buffer.from(parsed.value.publicKey).equals(Buffer.from(pk))).toBe(true);
  });

  it('a roll-mode package whose counts add up is accepted', () => {
    const r = parseElectionPackage(
      edited(
        (p) =>
          (p.qualifications.voters = {
            mode: 'roll',
            rollRoot: p.qualifications.voters.rollRoot,
            count: 12,
            eligibleByCountry: { FRA: 4, DEU: 4, USA: 4 },
          }),
      ),
    );
    expect(r.ok).toBe(true);
    expect(
      problems((p) => {
        p.qualifications.voters = {
          mode: 'roll',
          rollRoot: p.qualifications.voters.rollRoot,
          count: 13,
          eligibleByCountry: { FRA: 4, DEU: 4, USA: 4 },
        };
      }),
    ).toEqual(['roll-counts | qualifications.voters.count: is 13 but eligibleByCountry adds up to 12']);
  });
});
