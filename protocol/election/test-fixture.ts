/**
 * A small, valid election package for the protocol tests (election, entries, tally): three countries,
 * a state and a block, a global country-supermajority proposal and majority contests, a sample of six
 * from a roll of twelve. Deterministic: every key comes from a fixed seed. The CA certificates are
 * passed in (tests make them with drivers/pkcs11/test-ca), so this file stays pure.
 */
import { toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { mlDsaKeygen, type MlDsaKeyPair } from '../ml-dsa';
import { rollRoot, sortRoll, type RollRecord } from '../voters/roll';
import { computeSample, sampleCommit } from '../voters/sample';
import { voterRef } from '../voters/voter-ref';
import type { ElectionPackageInput } from './schema';
import { signPackage } from './signatures';
import type { TrustFileJson } from './trust-file';
import { encodeVkey } from '../checkpoint/vkey';

export function seeded(label: string): Uint8Array {
  return sha256(utf8(`ogas-test-fixture:${label}`));
}

export const FIXTURE_ROLL_SALT = seeded('roll-salt');

/** Styles of the fixture: FRA with state IDF and block PAR; DEU; USA (no sub-districts). */
export const FIXTURE_STYLES = {
  'fra-par': { country: 'FRA' },
  deu: { country: 'DEU' },
  usa: { country: 'USA' },
} as const;

export function fixtureRoll(): RollRecord[] {
  const records: RollRecord[] = [];
  const styles = Object.entries(FIXTURE_STYLES);
  for (let i = 0; i < 12; i++) {
    const [style, { country }] = styles[i % styles.length]!;
    records.push({ voterRef: voterRef(FIXTURE_ROLL_SALT, `person-${i}`), country, style });
  }
  const sorted = sortRoll(records);
  if (!sorted.ok) throw new Error(sorted.error);
  return sorted.value;
}

export const FIXTURE_SECRETS = [seeded('party-1'), seeded('party-2')];

export interface Fixture {
  readonly source: ElectionPackageInput;
  readonly authorities: readonly MlDsaKeyPair[];
  readonly trust: TrustFileJson;
  readonly roll: readonly RollRecord[];
}

/** An unsigned fixture package (signatures: []). */
export function fixturePackage(caPem: { voters: string; officials: string }): ElectionPackageInput {
  const roll = fixtureRoll();
  const commits = FIXTURE_SECRETS.map(sampleCommit);
  const reveals = FIXTURE_SECRETS.map((s) => toHex(s));
  const sample = computeSample({ roll, commits, reveals, k: 6 });
  if (!sample.ok) throw new Error('fixture sample failed');
  const log = mlDsaKeygen(44, seeded('log'));
  const w1 = mlDsaKeygen(44, seeded('w1'));
  const w2 = mlDsaKeygen(44, seeded('w2'));
  const yesNo = [
    { id: 'yes', label: { en: 'Yes', fr: 'Oui' } },
    { id: 'no', label: { en: 'No', fr: 'Non' } },
  ];
  return {
    v: 1,
    title: { en: 'Test election', fr: 'Élection de test' },
    languages: ['en', 'fr'],
    window: { opens: '2030-05-01T08:00:00+02:00', closes: '2030-05-08T20:00:00+02:00', drainHours: 24 },
    districts: [
      { id: 'FRA', kind: 'country', parent: null },
      { id: 'FRA-IDF', kind: 'state', parent: 'FRA' },
      { id: 'FRA-IDF-PAR', kind: 'block', parent: 'FRA-IDF' },
      { id: 'DEU', kind: 'country', parent: null },
      { id: 'USA', kind: 'country', parent: null },
    ],
    contests: [
      {
        id: 'proposal',
        scope: 'global',
        question: { en: 'Adopt the charter?', fr: 'Adopter la charte ?' },
        options: yesNo,
        maxChoices: 1,
        rule: {
          kind: 'country-supermajority',
          countryThreshold: { num: 1, den: 2 },
          passThreshold: { num: 7, den: 10 },
          base: 'eligible',
        },
      },
      {
        id: 'fra-national',
        scope: 'FRA',
        question: { en: 'National question', fr: 'Question nationale' },
        options: yesNo,
        maxChoices: 1,
        rule: { kind: 'majority' },
      },
      {
        id: 'idf-council',
        scope: 'FRA-IDF',
        question: { en: 'Council seats', fr: 'Sièges du conseil' },
        options: [
          { id: 'a', label: { en: 'A', fr: 'A' } },
          { id: 'b', label: { en: 'B', fr: 'B' } },
          { id: 'c', label: { en: 'C', fr: 'C' } },
        ],
        maxChoices: 2,
        rule: { kind: 'majority' },
      },
      {
        id: 'par-budget',
        scope: 'FRA-IDF-PAR',
        question: { en: 'Block budget', fr: 'Budget du quartier' },
        options: yesNo,
        maxChoices: 1,
        rule: { kind: 'majority' },
      },
    ],
    ballotStyles: [
      {
        id: 'fra-par',
        districts: ['FRA', 'FRA-IDF', 'FRA-IDF-PAR'],
        contests: ['proposal', 'fra-national', 'idf-council', 'par-budget'],
      },
      { id: 'deu', districts: ['DEU'], contests: ['proposal'] },
      { id: 'usa', districts: ['USA'], contests: ['proposal'] },
    ],
    qualifications: {
      minAge: 18,
      nationalities: ['FRA', 'DEU', 'USA'],
      voters: {
        mode: 'sample',
        k: 6,
        rollRoot: rollRoot(roll),
        rollCount: roll.length,
        commits,
        reveals,
        selected: sample.value.selected,
      },
    },
    ledger: {
      origin: 'ledger.test/election',
      url: 'http://127.0.0.1:8080',
      logKey: encodeVkey('ledger.test/election', log.publicKey),
      witnesses: [
        { name: 'witness-1', key: encodeVkey('witness-1', w1.publicKey) },
        { name: 'witness-2', key: encodeVkey('witness-2', w2.publicKey) },
      ],
      quorum: 1,
    },
    privacy: { minBatch: 2 },
    limits: { maxBatch: 100 },
    trust: { voters: [caPem.voters], officials: [caPem.officials] },
    signatures: [],
  };
}

/** The fixture package signed by two of three authority keys, with its trust file {keys, m: 2}. */
export function signedFixture(caPem: { voters: string; officials: string }): Fixture {
  const authorities = [1, 2, 3].map((i) => mlDsaKeygen(65, seeded(`authority-${i}`)));
  let source = fixturePackage(caPem);
  for (const a of authorities.slice(0, 2)) {
    const signed = signPackage(source, a.secretKey, a.publicKey);
    if (!signed.ok) throw new Error(signed.error);
    source = signed.value;
  }
  return {
    source,
    authorities,
    trust: { keys: authorities.map((a) => toBase64(a.publicKey)), m: 2 },
    roll: fixtureRoll(),
  };
}
