import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../drivers/id-scanner/parse-document';
import { parseCardFile } from '../../drivers/pkcs11/test-ca';
import { fromBase64, utf8 } from '../../protocol/bytes';
import { spkiSha256Hex, verifyCardForElection } from '../../protocol/certificates';
import { parseElectionPackageEntry, type LoadedElection } from '../../protocol/election/parse';
import { formatProblem } from '../../protocol/election/problems';
import { checkPackageSignatures } from '../../protocol/election/signatures';
import { parseTrustFileText } from '../../protocol/election/trust-file';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { cardCredentialKey, docCredentialKey } from '../../protocol/voters/credentials';
import {
  lookupCredential,
  parseProvisioningBundle,
  type ProvisioningBundle,
} from '../../protocol/voters/provisioning-bundle';
import { parseRollJsonLines } from '../../protocol/voters/roll-file';
import { computeSample } from '../../protocol/voters/sample';
import { buildDemoElection, type DemoElection } from './build-demo';
import { parseAuthorityKeyFile } from './key-files';

const NOW = new Date('2031-03-01T12:00:00Z');
let demo: DemoElection;
let election: LoadedElection;
let bundle: ProvisioningBundle;

function file(path: string): string {
  const f = demo.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in the demo`);
  return f.content;
}

beforeAll(async () => {
  demo = await buildDemoElection({ seed: 'build-demo-test', now: NOW });
  const loaded = parseElectionPackageEntry(utf8(file('election.json')));
  if (!loaded.ok) throw new Error(loaded.error.map(formatProblem).join('\n'));
  election = loaded.value;
  const b = parseProvisioningBundle(JSON.parse(file('provisioning-bundle.json')));
  if (!b.ok) throw new Error(b.error.map(formatProblem).join('\n'));
  bundle = b.value;
});

describe('ogas election demo: the package', () => {
  it('is canonical, valid and signed 2 of 3 as its trust file requires', () => {
    expect(election.electionId).toBe(demo.electionId);
    const trust = parseTrustFileText(file('authority-trust.json'));
    expect(trust.ok && trust.value.keys).toHaveLength(3);
    if (!trust.ok) return;
    const r = checkPackageSignatures(election, trust.value);
    expect(r.ok && r.value.valid).toHaveLength(2);
    const third = parseAuthorityKeyFile(file('authority/authority-3.key.json'));
    expect(third.ok).toBe(true);
  });

  it('spans many countries, with states and blocks, and the contests of the brief', () => {
    const pkg = election.package;
    const kinds = (k: string) => pkg.districts.filter((d) => d.kind === k).length;
    expect(kinds('country')).toBeGreaterThanOrEqual(20);
    expect(kinds('state')).toBeGreaterThanOrEqual(3);
    expect(kinds('block')).toBeGreaterThanOrEqual(3);
    const charter = pkg.contests.find((c) => c.scope === 'global')!;
    expect(charter.rule).toEqual({
      kind: 'country-supermajority',
      countryThreshold: { num: 1, den: 2 },
      passThreshold: { num: 7, den: 10 },
      base: 'eligible',
    });
    const scopes = new Map(pkg.districts.map((d) => [d.id, d.kind]));
    for (const kind of ['country', 'state', 'block']) {
      const contests = pkg.contests.filter((c) => scopes.get(c.scope) === kind);
      expect(contests.length, kind).toBeGreaterThan(0);
      expect(contests.every((c) => c.rule.kind === 'majority')).toBe(true);
    }
    expect(pkg.contests.some((c) => c.maxChoices > 1)).toBe(true);
    expect(pkg.languages).toEqual(['en', 'fr', 'es']);
    expect(pkg.window).toEqual({
      opens: '2031-03-01T11:00:00Z',
      closes: '2031-03-08T12:00:00Z',
      drainHours: 24,
    });
    expect(pkg.ledger.witnesses).toHaveLength(2);
  });

  it("holds the sample that the roll and the parties' reveals give", () => {
    const roll = parseRollJsonLines(file('roll.jsonl'));
    expect(roll.ok).toBe(true);
    if (!roll.ok) return;
    const v = election.package.qualifications.voters;
    if (v.mode !== 'sample') throw new Error('the demo is in sample mode');
    const again = computeSample({
      roll: roll.value,
      commits: JSON.parse(file('sample/commits.json')),
      reveals: JSON.parse(file('sample/reveals.json')),
      k: Number(file('sample/k.txt')),
    });
    expect(again.ok && again.value.selected).toEqual(v.selected);
    expect(again.ok && again.value.rollRoot).toBe(v.rollRoot);
    expect(new Set(roll.value.map((r) => r.country)).size).toBeGreaterThanOrEqual(20);
  });
});

describe('ogas election demo: cards, documents and the credential table', () => {
  const at = NOW;

  function card(name: string) {
    const f = parseCardFile(file(`cards/${name}.json`));
    return { file: f, der: fromBase64(f.certificate) };
  }

  it('issues voter cards of people in the sample whose credentials map to their voterRef', () => {
    const selected = new Set(
      election.package.qualifications.voters.mode === 'sample'
        ? election.package.qualifications.voters.selected.map((s) => s.voterRef)
        : [],
    );
    const inSample = demo.cards.filter((c) => c.kind === 'in-sample');
    expect(inSample.length).toBeGreaterThanOrEqual(3);
    expect(inSample.some((c) => c.cardFile.keyAlgorithm === 'rsa-2048')).toBe(true);
    for (const c of inSample) {
      const { der } = card(c.cardFile.label);
      const checked = verifyCardForElection(der, election.package.trust, { at, roles: ['voter'] });
      expect(checked.ok, c.file).toBe(true);
      const match = lookupCredential(bundle, cardCredentialKey(spkiSha256Hex(der)));
      const holder = demo.voters.find((v) => v.personId === c.holder)!;
      expect(match).toEqual({ voterRef: holder.voterRef, style: holder.style });
      expect(selected.has(holder.voterRef)).toBe(true);
    }
    const outside = card('voter-not-in-sample');
    const outsideMatch = lookupCredential(bundle, cardCredentialKey(spkiSha256Hex(outside.der)));
    expect(outsideMatch && selected.has(outsideMatch.voterRef)).toBe(false);
    const stranger = card('voter-not-on-roll');
    expect(verifyCardForElection(stranger.der, election.package.trust, { at }).ok).toBe(true);
    expect(lookupCredential(bundle, cardCredentialKey(spkiSha256Hex(stranger.der)))).toBeUndefined();
    const expired = verifyCardForElection(card('voter-expired').der, election.package.trust, { at });
    expect(!expired.ok && expired.error.kind).toBe('expired');
  });

  it('issues official, poll-worker and technician cards that chain to trust.officials', () => {
    for (const [name, role] of [
      ['official-1', 'official'],
      ['poll-worker-1', 'poll-worker'],
      ['technician-1', 'technician'],
    ] as const) {
      const r = verifyCardForElection(card(name).der, election.package.trust, { at });
      expect(r.ok && r.value.role, name).toBe(role);
    }
  });

  it('writes passport MRZs that parse, hold every check digit and map to their holder', () => {
    const docs = demo.files.filter((f) => f.path.startsWith('documents/'));
    expect(docs.length).toBeGreaterThanOrEqual(3);
    for (const d of docs) {
      const parsed = parseDocument(utf8(d.content));
      expect(parsed.ok && parsed.value.valid, d.path).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value.format).toBe('mrz-td3');
      const key = docCredentialKey(parsed.value.issuingState, parsed.value.documentNumber);
      expect(key.ok).toBe(true);
      if (!key.ok) continue;
      const holder = demo.voters.find((v) => v.document === d.path)!;
      expect(lookupCredential(bundle, key.value)).toEqual({ voterRef: holder.voterRef, style: holder.style });
    }
  });

  it('marks secret files and describes every file in README.txt', () => {
    const secret = demo.files.filter((f) => f.secret).map((f) => f.path);
    expect(secret).toEqual(
      expect.arrayContaining([
        'provisioning-bundle.json',
        'voters.json',
        'authority/authority-1.key.json',
        'ledger/log.key.json',
        'cards/official-1.json',
      ]),
    );
    expect(secret).not.toContain('election.json');
    const readme = file('README.txt');
    for (const f of demo.files) expect(readme).toContain(f.path);
    const index = JSON.parse(file('demo.json'));
    expect(index.electionId).toBe(demo.electionId);
    const logKey = JSON.parse(file('ledger/log.key.json'));
    expect(logKey).toMatchObject({ v: 1, type: 'ogas-log-key', origin: election.package.ledger.origin });
  });
});

describe('ogas election demo: seed', () => {
  it('gives the same keys, roll and sample for the same seed, and others for another', async () => {
    const same = await buildDemoElection({ seed: 'build-demo-test', now: NOW });
    const other = await buildDemoElection({ seed: 'another seed', now: NOW });
    const of = (d: DemoElection, p: string) => d.files.find((f) => f.path === p)!.content;
    for (const p of [
      'roll.jsonl',
      'sample/reveals.json',
      'authority/authority-1.key.json',
      'ledger/witness-2.key.json',
    ]) {
      expect(of(same, p), p).toBe(file(p));
      expect(of(other, p), p).not.toBe(file(p));
    }
    // CA keys are fresh each run, so the trust anchors and the electionId differ.
    expect(same.electionId).not.toBe(demo.electionId);
    expect(parseAuthorityKeyFile(of(same, 'authority/authority-2.key.json')).ok).toBe(true);
  });

  it('refuses a damaged authority key file', () => {
    const good = JSON.parse(file('authority/authority-1.key.json'));
    const other = mlDsaKeygen(65);
    const mixed = { ...good, publicKey: Buffer.from(other.publicKey).toString('base64') };
    expect(parseAuthorityKeyFile(JSON.stringify(mixed))).toEqual({
      ok: false,
      error: 'the authority key file is damaged: its secret key does not belong to its public key',
    });
    expect(parseAuthorityKeyFile('{"v":1}').ok).toBe(false);
    expect(parseAuthorityKeyFile('nope')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not JSON/),
    });
  });
});
