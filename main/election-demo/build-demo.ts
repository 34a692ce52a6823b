/**
 * `ogas election demo` (DESIGN §10): a complete demo election in memory, as a list of files, for the
 * demo kiosk, the tests and the simulations: the signed package and its trust file, authority keys,
 * the roll and its sample (with each party's commit and reveal), the provisioning bundle, test CAs,
 * demo cards and passports, the ledger's and witnesses' keys, and an index (demo.json).
 *
 * With a seed, keys, salt, people, roll and sample are the same on every run. CA and card keys come
 * from Web Crypto and ML-DSA signatures are hedged (DESIGN §3), so certificates, signatures and hence
 * the electionId (which covers the trust anchors) are new on every run.
 */
import { randomBytes } from 'node:crypto';
import { toBase64, utf8 } from '../../protocol/bytes';
import { spkiSha256Hex } from '../../protocol/certificates';
import { parseElectionPackage } from '../../protocol/election/parse';
import { formatProblem } from '../../protocol/election/problems';
import type { ElectionId } from '../../protocol/election/schema';
import { signPackage } from '../../protocol/election/signatures';
import { parseTrustFile } from '../../protocol/election/trust-file';
import { checkPackageSignatures } from '../../protocol/election/signatures';
import { sha256 } from '../../protocol/hash';
import { canonicalJson } from '../../protocol/jcs';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { cardCredentialKey, docCredentialKey } from '../../protocol/voters/credentials';
import { createProvisioningBundle, type CredentialSource } from '../../protocol/voters/provisioning-bundle';
import { rollRoot, sortRoll } from '../../protocol/voters/roll';
import { computeSample, sampleCommit } from '../../protocol/voters/sample';
import { voterRef, type VoterRef } from '../../protocol/voters/voter-ref';
import { encodeMrz, type MrzFields } from '../../drivers/id-scanner/mrz-encode';
import { createTestCa, type TestCa } from '../../drivers/pkcs11/test-ca';
import { buildDemoPackage } from './build-package';
import { makeDemoCards, type DemoCard } from './demo-cards';
import { Drbg } from './drbg';
import { authorityKeyFileText, logKeyFileText, witnessKeyFileText } from './key-files';
import { demoPeople, type DemoPerson } from './people';
import { demoBallotStyles } from './world';

export interface DemoOptions {
  /** Any text; the same seed gives the same keys, salt, people, roll and sample. Random when absent. */
  readonly seed?: string;
  readonly now?: Date;
  readonly opens?: Date;
  readonly closes?: Date;
  /** People per ballot style (default 10: 290 voters over 29 styles in 24 countries). */
  readonly perStyle?: number;
  /** Sample size (default: half the roll). */
  readonly k?: number;
  readonly ledgerUrl?: string;
  readonly minBatch?: number;
}

export interface DemoFile {
  readonly path: string;
  readonly content: string;
  /** Secret material: written with mode 0600. */
  readonly secret: boolean;
  readonly description: string;
}

export interface DemoVoter extends DemoPerson {
  readonly voterRef: VoterRef;
  readonly selected: boolean;
  readonly passportCredentialKey: string;
  readonly card?: string;
  readonly document?: string;
}

export interface DemoElection {
  readonly electionId: ElectionId;
  readonly files: readonly DemoFile[];
  readonly voters: readonly DemoVoter[];
  readonly cards: readonly DemoCard[];
}

export const DEMO_ORIGIN = 'demo.ogas.example/election-1';
export const DEMO_WITNESSES = ['witness-1.demo.ogas.example', 'witness-2.demo.ogas.example'];
const HOUR = 3_600_000;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export async function buildDemoElection(options: DemoOptions = {}): Promise<DemoElection> {
  const drbg = new Drbg(options.seed === undefined ? randomBytes(32) : sha256(utf8(options.seed)));
  const now = options.now ?? new Date();
  const files: DemoFile[] = [];
  const add = (path: string, content: string, description: string, secret = false) =>
    files.push({ path, content, description, secret });

  // The roll (DESIGN §4 steps 1 and 3) and the sample (step 4), three parties.
  const people = demoPeople(demoBallotStyles(), options.perStyle ?? 10, drbg);
  const rollSalt = drbg.bytes32('roll-salt');
  const refs = new Map(people.map((p) => [p.personId, voterRef(rollSalt, p.personId)]));
  const roll = sortRoll(
    people.map((p) => ({ voterRef: refs.get(p.personId)!, country: p.country, style: p.style })),
  );
  if (!roll.ok) throw new Error(roll.error);
  const secrets = [1, 2, 3].map((i) => drbg.bytes32(`sample-party-${i}`));
  const commits = secrets.map(sampleCommit);
  const k = options.k ?? Math.floor(roll.value.length / 2);
  const sample = computeSample({
    roll: roll.value,
    commits,
    reveals: secrets.map((s) => Buffer.from(s).toString('hex')),
    k,
  });
  if (!sample.ok) throw new Error(sample.error.map((p) => p.message).join('; '));
  const selected = new Set(sample.value.selected.map((r) => r.voterRef as string));

  const logKey = mlDsaKeygen(44, drbg.bytes32('log-key'));
  const witnesses = DEMO_WITNESSES.map((name, i) => ({
    name,
    keys: mlDsaKeygen(44, drbg.bytes32(`witness-${i + 1}`)),
  }));
  const opens = options.opens ?? new Date(now.getTime() - HOUR);
  const closes = options.closes ?? new Date(now.getTime() + 7 * 24 * HOUR);
  // Certificates cover today, the whole window and a year after it, whatever --opens/--closes say.
  const validity = {
    notBefore: new Date(Math.min(Date.now(), now.getTime(), opens.getTime()) - 24 * HOUR),
    notAfter: new Date(Math.max(Date.now(), now.getTime(), closes.getTime()) + 365 * 24 * HOUR),
  };
  const votersCa = await createTestCa('OGAS Demo Voters CA', validity);
  const officialsCa = await createTestCa('OGAS Demo Officials CA', validity);

  let source = buildDemoPackage({
    opens,
    closes,
    rollRoot: rollRoot(roll.value),
    rollCount: roll.value.length,
    k,
    secrets,
    commits,
    selected: sample.value.selected,
    origin: DEMO_ORIGIN,
    ledgerUrl: options.ledgerUrl ?? 'http://127.0.0.1:8080',
    logKey,
    witnesses,
    quorum: 1,
    minBatch: options.minBatch ?? 5,
    votersCaPem: votersCa.certificatePem,
    officialsCaPem: officialsCa.certificatePem,
  });
  // Three authorities; the package is signed by two, and the trust file asks for two (2 of 3).
  const authorities = [1, 2, 3].map((i) => mlDsaKeygen(65, drbg.bytes32(`authority-${i}`)));
  for (const a of authorities.slice(0, 2)) {
    const signed = signPackage(source, a.secretKey, a.publicKey);
    if (!signed.ok) throw new Error(signed.error);
    source = signed.value;
  }
  const trustJson = { keys: authorities.map((a) => toBase64(a.publicKey)), m: 2 };
  const loaded = parseElectionPackage(source);
  if (!loaded.ok)
    throw new Error(`demo package is invalid (a bug): ${loaded.error.map(formatProblem).join('; ')}`);
  const trust = parseTrustFile(trustJson);
  if (!trust.ok || !checkPackageSignatures(loaded.value, trust.value).ok)
    throw new Error('demo signatures do not verify (a bug)');
  const electionId = loaded.value.electionId;

  const cards = await makeDemoCards(
    people,
    selected,
    refs,
    { voters: votersCa, officials: officialsCa },
    validity,
  );
  const documents = pickDocumentHolders(people, selected, refs);
  const voters = people.map((p): DemoVoter => {
    const ref = refs.get(p.personId)!;
    const card = cards.find((c) => c.holder === p.personId && c.role === 'voter' && c.kind !== 'not-on-roll');
    const doc = documents.find((d) => d.personId === p.personId);
    return {
      ...p,
      voterRef: ref,
      selected: selected.has(ref),
      passportCredentialKey: passportKey(p),
      ...(card ? { card: card.file } : {}),
      ...(doc ? { document: documentPath(doc) } : {}),
    };
  });

  // The credential table: every passport, and the voter cards of people on the roll.
  const sources: CredentialSource[] = people.map((p) => ({
    credentialKey: passportKey(p),
    voterRef: refs.get(p.personId)!,
    style: p.style,
  }));
  for (const c of cards) {
    if (c.role !== 'voter' || c.holder === undefined || c.kind === 'not-on-roll') continue;
    const holder = people.find((p) => p.personId === c.holder)!;
    sources.push({
      credentialKey: cardCredentialKey(spkiSha256Hex(c.issued.certificate)),
      voterRef: refs.get(holder.personId)!,
      style: holder.style,
    });
  }
  const bundle = createProvisioningBundle(electionId, rollSalt, sources);
  if (!bundle.ok) throw new Error(bundle.error);

  add(
    'election.json',
    canonicalJson(source),
    'the signed election package: its JCS bytes (entry 0 of the log; DESIGN §4)',
  );
  add(
    'authority-trust.json',
    json(trustJson),
    'the authority trust file {keys, m}: 2 of these 3 keys must have signed the package',
  );
  authorities.forEach((a, i) =>
    add(
      `authority/authority-${i + 1}.key.json`,
      authorityKeyFileText(a),
      `authority ${i + 1}'s ML-DSA-65 key (${i < 2 ? 'signed the package' : 'did not sign; try ogas election sign'})`,
      true,
    ),
  );
  add(
    'roll.jsonl',
    roll.value.map((r) => canonicalJson(r)).join('\n') + '\n',
    `the roll: ${roll.value.length} records {voterRef, country, style}, sorted by voterRef`,
  );
  add('sample/commits.json', json(commits), "the three parties' sample commits (hex), in order");
  add(
    'sample/reveals.json',
    json(secrets.map((s) => Buffer.from(s).toString('hex'))),
    "the three parties' reveals (hex), in commit order",
  );
  add('sample/k.txt', `${k}\n`, `the sample size k (${k}): ogas election sample --k ${k}`);
  add(
    'provisioning-bundle.json',
    json(bundle.value),
    'SECRET: the kiosk provisioning bundle (rollSalt and credential table; protocol/voters/provisioning-bundle.ts)',
    true,
  );
  add(
    'voters.json',
    json(voters),
    'SECRET (demo only): every invented person on the roll, with voterRef, sample membership, passport and demo card/document files',
    true,
  );
  add('ca/voters-ca.pem', votersCa.certificatePem, "the voters' test CA certificate (in trust.voters)");
  add(
    'ca/officials-ca.pem',
    officialsCa.certificatePem,
    "the officials' test CA certificate (in trust.officials)",
  );
  add(
    'ca/voters-ca.key.pem',
    pkcs8Pem(votersCa),
    "SECRET: the voters' test CA private key (PKCS#8), to issue more demo cards",
    true,
  );
  add(
    'ca/officials-ca.key.pem',
    pkcs8Pem(officialsCa),
    "SECRET: the officials' test CA private key (PKCS#8)",
    true,
  );
  for (const c of cards)
    add(c.file, json(c.cardFile), `demo card (${c.description}); PIN ${c.cardFile.pin}`, true);
  for (const d of documents)
    add(
      documentPath(d),
      `${encodeMrz(td3Of(d)).join('\n')}\n`,
      `passport MRZ (TD3) of ${d.personId}${selected.has(refs.get(d.personId)!) ? ', in the sample' : ', on the roll but NOT in the sample'}`,
    );
  add(
    'ledger/log.key.json',
    logKeyFileText(DEMO_ORIGIN, logKey),
    `SECRET: the log's ML-DSA-44 key for origin ${DEMO_ORIGIN} (ogas ledger serve --key)`,
    true,
  );
  add(
    'ledger/log.vkey',
    `${loaded.value.package.ledger.logKey}\n`,
    "the log's public key as a C2SP vkey (ledger.logKey)",
  );
  witnesses.forEach((w, i) =>
    add(
      `ledger/witness-${i + 1}.vkey`,
      `${loaded.value.package.ledger.witnesses[i]!.key}\n`,
      `witness ${w.name}'s public key as a C2SP vkey`,
    ),
  );
  witnesses.forEach((w, i) =>
    add(
      `ledger/witness-${i + 1}.key.json`,
      witnessKeyFileText(w.name, w.keys),
      `SECRET: witness ${w.name}'s ML-DSA-44 key (ogas witness serve --key)`,
      true,
    ),
  );
  const index = {
    v: 1,
    electionId,
    package: 'election.json',
    trust: 'authority-trust.json',
    roll: 'roll.jsonl',
    sample: { k, commits: 'sample/commits.json', reveals: 'sample/reveals.json' },
    provisioningBundle: 'provisioning-bundle.json',
    voters: 'voters.json',
    ca: { voters: 'ca/voters-ca.pem', officials: 'ca/officials-ca.pem' },
    cards: cards.map((c) => ({
      file: c.file,
      role: c.role,
      kind: c.kind,
      pin: c.cardFile.pin,
      ...(c.holder ? { holder: c.holder } : {}),
    })),
    documents: documents.map((d) => ({
      file: documentPath(d),
      holder: d.personId,
      credentialKey: passportKey(d),
      selected: selected.has(refs.get(d.personId)!),
    })),
    ledger: {
      origin: DEMO_ORIGIN,
      url: loaded.value.package.ledger.url,
      key: 'ledger/log.key.json',
      witnesses: witnesses.map((w, i) => ({ name: w.name, key: `ledger/witness-${i + 1}.key.json` })),
      quorum: 1,
    },
    window: loaded.value.package.window,
  };
  add('demo.json', json(index), 'this folder as JSON, for programs: electionId and where every file is');
  files.push({
    path: 'README.txt',
    content: readme(electionId, files),
    description: 'this file',
    secret: false,
  });
  return { electionId, files, voters, cards };
}

function passportKey(p: DemoPerson): string {
  const key = docCredentialKey(p.country, p.documentNumber);
  if (!key.ok) throw new Error(key.error);
  return key.value;
}

function documentPath(p: DemoPerson): string {
  return `documents/${p.personId}.mrz.txt`;
}

/** The person's passport as ICAO 9303-4 TD3 fields (drivers/id-scanner/mrz-encode writes the MRZ). */
function td3Of(p: DemoPerson): MrzFields {
  return {
    format: 'mrz-td3',
    documentType: 'P',
    issuingState: p.country,
    documentNumber: p.documentNumber,
    surname: p.surname,
    givenNames: p.givenNames,
    nationality: p.country,
    birthDate: p.birthDate,
    sex: p.sex,
    expiryDate: p.expiryDate,
  };
}

/** Three people in the sample (different countries) and one on the roll but not in it. */
function pickDocumentHolders(
  people: readonly DemoPerson[],
  selected: ReadonlySet<string>,
  refs: ReadonlyMap<string, string>,
): DemoPerson[] {
  const inSample = people.filter((p) => selected.has(refs.get(p.personId)!));
  const out: DemoPerson[] = [];
  for (const p of [...inSample].reverse()) {
    if (out.length < 3 && !out.some((o) => o.country === p.country)) out.push(p);
  }
  const outside = people.find((p) => !selected.has(refs.get(p.personId)!));
  if (outside) out.push(outside);
  return out;
}

function pkcs8Pem(ca: TestCa): string {
  const b64 = toBase64(ca.privateKeyPkcs8)
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function readme(electionId: string, files: readonly DemoFile[]): string {
  const lines = [
    'OGAS demo election (written by `ogas election demo`; DESIGN §4, §10)',
    '',
    `electionId: ${electionId}`,
    '',
    'Everything here is invented and for demonstration only. Files marked SECRET would never be',
    'published in a real election (they are written readable by their owner only).',
    '',
    'Try:',
    '  ogas election verify --package election.json --authority authority-trust.json',
    '  ogas election sample --roll roll.jsonl --commits sample/commits.json --reveals sample/reveals.json --k $(cat sample/k.txt)',
    '  ogas election sign --package election.json --key authority/authority-3.key.json --out election-3-of-3.json',
    '',
    'Files:',
    ...[...files]
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((f) => `  ${f.path}\n      ${f.description}`),
    '  README.txt\n      this file',
    '',
  ];
  return lines.join('\n');
}
