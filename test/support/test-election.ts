/**
 * A complete election for log-building tests and benchmarks: the package signed by m of n authorities,
 * its trust file, the roll and the eligible voters (roll mode: the roll; sample mode: the sample), the
 * log key, witness keys, a test CA for officials with official cards, and a test CA for voters.
 *
 *   const e = await createTestElection({ mode: 'roll', voters: 60, kiosks… });
 *   const e = await loadDemoElection(dir);   // from `ogas election demo --out DIR`
 *
 * Dates are fixed (2030 by default) and every certificate is valid from a month before the window to a
 * year after the drain deadline, so that an audit's verdict never depends on the day it runs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import { type CosignerSigner, encodeVkey } from '../../protocol/checkpoint';
import {
  parseElectionPackage,
  parseElectionPackageText,
  signPackage,
  type ElectionPackageInput,
  type LoadedElection,
} from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { fixturePackage, FIXTURE_ROLL_SALT, seeded } from '../../protocol/election/test-fixture';
import { canonicalJson } from '../../protocol/jcs';
import { mlDsaKeygen, type MlDsaKeyPair } from '../../protocol/ml-dsa';
import {
  computeSample,
  parseRollJsonLines,
  rollRoot,
  sampleCommit,
  sortRoll,
  voterRef,
  type RollRecord,
} from '../../protocol/voters';
import { createTestCa, issueCardCertificate, parseCardFile, type TestCa } from '../../drivers/pkcs11/test-ca';

/** An official's card as the log builder needs it: certificate and private key (DER). */
export interface OfficialCard {
  readonly label: string;
  readonly certificate: Uint8Array;
  readonly privateKeyPkcs8: Uint8Array;
}

export interface TestElection {
  readonly election: LoadedElection;
  /** The package as signed (what election.json holds, as JCS). */
  readonly source: ElectionPackageInput;
  /** The authority trust file text `{keys, m}`. */
  readonly trustText: string;
  /** Every authority key of the trust file; the package is signed by the first `signedBy`. */
  readonly authorities: readonly MlDsaKeyPair[];
  readonly m: number;
  readonly logSigner: CosignerSigner;
  readonly witnessSigners: readonly CosignerSigner[];
  readonly officials: readonly OfficialCard[];
  /** The officials' CA (absent for a demo folder, whose CA key is a PEM file). */
  readonly officialsCa?: TestCa;
  /** The whole roll, sorted by voterRef. */
  readonly roll: readonly RollRecord[];
  /** Roll JSON lines (for `--roll`). */
  readonly rollText: string;
  /** The voters the ledger admits: the roll in roll mode, `selected` in sample mode. */
  readonly voters: readonly RollRecord[];
  /** Voters NOT eligible (on the roll but not in the sample, or invented ones). */
  readonly outsiders: readonly RollRecord[];
  readonly opensMs: number;
  readonly closesMs: number;
  readonly drainEndMs: number;
}

export interface TestElectionOptions {
  readonly mode?: 'roll' | 'sample';
  /** Eligible voters: roll size in roll mode, sample size k in sample mode (from a roll twice as big). */
  readonly voters?: number;
  readonly opens?: string;
  readonly closes?: string;
  readonly drainHours?: number;
  readonly minBatch?: number;
  readonly maxBatch?: number;
  readonly witnesses?: number;
  readonly quorum?: number;
  readonly authorities?: number;
  readonly m?: number;
  /** How many authorities sign (default m). */
  readonly signedBy?: number;
  readonly officials?: number;
  readonly origin?: string;
  /** Distinguishes the keys of two elections made in one test run. */
  readonly seed?: string;
}

const STYLES: readonly { style: string; country: string }[] = [
  { style: 'fra-par', country: 'FRA' },
  { style: 'deu', country: 'DEU' },
  { style: 'usa', country: 'USA' },
];
const DAY = 86_400_000;

function rollOf(count: number, prefix: string): RollRecord[] {
  const records = Array.from({ length: count }, (_, i) => ({
    voterRef: voterRef(FIXTURE_ROLL_SALT, `${prefix}-${i}`),
    ...STYLES[i % STYLES.length]!,
  }));
  const sorted = sortRoll(records);
  if (!sorted.ok) throw new Error(sorted.error);
  return sorted.value;
}

function rollJsonLines(roll: readonly RollRecord[]): string {
  return roll.map((r) => canonicalJson(r)).join('\n') + (roll.length > 0 ? '\n' : '');
}

function cosigner(name: string, label: string): CosignerSigner {
  const k = mlDsaKeygen(44, seeded(label));
  return { name, publicKey: k.publicKey, secretKey: k.secretKey };
}

export async function createTestElection(options: TestElectionOptions = {}): Promise<TestElection> {
  const seed = options.seed ?? 'log-builder';
  const opensMs = Date.parse(options.opens ?? '2030-05-01T06:00:00Z');
  const closesMs = Date.parse(options.closes ?? '2030-05-01T18:00:00Z');
  const drainHours = options.drainHours ?? 24;
  const drainEndMs = closesMs + drainHours * 3_600_000;
  const validity = { notBefore: new Date(opensMs - 30 * DAY), notAfter: new Date(drainEndMs + 365 * DAY) };
  const votersCa = await createTestCa('Log builder voters CA', validity);
  const officialsCa = await createTestCa('Log builder officials CA', validity);
  const officials: OfficialCard[] = [];
  for (let i = 0; i < (options.officials ?? 2); i++) {
    const card = await issueCardCertificate(officialsCa, {
      commonName: `Official ${i + 1}`,
      role: 'official',
      ...validity,
    });
    officials.push({ label: `Official ${i + 1}`, ...card });
  }

  const origin = options.origin ?? 'ledger.test/log-builder';
  const logSigner = cosigner(origin, `${seed}:log`);
  const witnessSigners = Array.from({ length: options.witnesses ?? 2 }, (_, i) =>
    cosigner(`witness-${i + 1}.test`, `${seed}:witness-${i + 1}`),
  );
  const mode = options.mode ?? 'roll';
  const count = options.voters ?? 24;
  let roll: RollRecord[];
  let voters: RollRecord[];
  let outsiders: RollRecord[];
  const base = fixturePackage({ voters: votersCa.certificatePem, officials: officialsCa.certificatePem });
  let qualifications: ElectionPackageInput['qualifications'];
  if (mode === 'roll') {
    roll = rollOf(count, `${seed}-person`);
    voters = roll;
    outsiders = rollOf(3, `${seed}-not-on-roll`);
    const eligibleByCountry: Record<string, number> = {};
    for (const r of roll) eligibleByCountry[r.country] = (eligibleByCountry[r.country] ?? 0) + 1;
    qualifications = {
      ...base.qualifications,
      voters: { mode: 'roll', rollRoot: rollRoot(roll), count: roll.length, eligibleByCountry },
    };
  } else {
    roll = rollOf(2 * count, `${seed}-person`);
    const secrets = [seeded(`${seed}:party-1`), seeded(`${seed}:party-2`)];
    const commits = secrets.map(sampleCommit);
    const reveals = secrets.map((s) => Buffer.from(s).toString('hex'));
    const sample = computeSample({ roll, commits, reveals, k: count });
    if (!sample.ok) throw new Error(sample.error.map((p) => p.message).join('; '));
    voters = sample.value.selected;
    const chosen = new Set(voters.map((v) => v.voterRef as string));
    outsiders = roll.filter((r) => !chosen.has(r.voterRef));
    qualifications = {
      ...base.qualifications,
      voters: {
        mode: 'sample',
        k: count,
        rollRoot: sample.value.rollRoot,
        rollCount: roll.length,
        commits,
        reveals,
        selected: voters,
      },
    };
  }
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let source: ElectionPackageInput = {
    ...base,
    window: { opens: iso(opensMs), closes: iso(closesMs), drainHours },
    qualifications,
    ledger: {
      origin,
      url: 'http://127.0.0.1:8080',
      logKey: encodeVkey(origin, logSigner.publicKey),
      witnesses: witnessSigners.map((w) => ({ name: w.name, key: encodeVkey(w.name, w.publicKey) })),
      quorum: options.quorum ?? 2,
    },
    privacy: { minBatch: options.minBatch ?? 3 },
    limits: { maxBatch: options.maxBatch ?? 1000 },
  };
  const authorities = Array.from({ length: options.authorities ?? 3 }, (_, i) =>
    mlDsaKeygen(65, seeded(`${seed}:authority-${i + 1}`)),
  );
  const m = options.m ?? 2;
  for (const a of authorities.slice(0, options.signedBy ?? m)) {
    const signed = signPackage(source, a.secretKey, a.publicKey);
    if (!signed.ok) throw new Error(signed.error);
    source = signed.value;
  }
  const parsed = parseElectionPackage(source);
  if (!parsed.ok) throw new Error(`test package refused: ${parsed.error.map(formatProblem).join('; ')}`);
  return {
    election: parsed.value,
    source,
    trustText: JSON.stringify({ keys: authorities.map((a) => toBase64(a.publicKey)), m }),
    authorities,
    m,
    logSigner,
    witnessSigners,
    officials,
    officialsCa,
    roll,
    rollText: rollJsonLines(roll),
    voters,
    outsiders,
    opensMs,
    closesMs,
    drainEndMs,
  };
}

async function json(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

function signerFromKeyFile(file: Record<string, unknown>, nameField: 'origin' | 'name'): CosignerSigner {
  return {
    name: String(file[nameField]),
    publicKey: fromBase64(String(file.publicKey)),
    secretKey: fromBase64(String(file.secretKey)),
  };
}

/** A demo election folder written by `ogas election demo --out DIR` (main/election-demo). */
export async function loadDemoElection(dir: string): Promise<TestElection> {
  const parsed = parseElectionPackageText(await readFile(join(dir, 'election.json')));
  if (!parsed.ok) throw new Error(`demo election.json: ${parsed.error.map(formatProblem).join('; ')}`);
  const election = parsed.value;
  const pkg = election.package;
  const trustText = await readFile(join(dir, 'authority-trust.json'), 'utf8');
  const trust = JSON.parse(trustText) as { keys: string[]; m: number };
  const authorityFiles = (await readdir(join(dir, 'authority')))
    .filter((f) => f.endsWith('.key.json'))
    .sort();
  const authorities: MlDsaKeyPair[] = [];
  for (const f of authorityFiles) {
    const k = await json(join(dir, 'authority', f));
    authorities.push({
      publicKey: fromBase64(String(k.publicKey)),
      secretKey: fromBase64(String(k.secretKey)),
    });
  }
  const index = (await json(join(dir, 'demo.json'))) as {
    cards: { file: string; role: string }[];
    ledger: { key: string; witnesses: { key: string }[] };
  };
  const logSigner = signerFromKeyFile(await json(join(dir, index.ledger.key)), 'origin');
  const witnessSigners: CosignerSigner[] = [];
  for (const w of index.ledger.witnesses)
    witnessSigners.push(signerFromKeyFile(await json(join(dir, w.key)), 'name'));
  const officials: OfficialCard[] = [];
  for (const c of index.cards.filter((c) => c.role === 'official')) {
    const card = parseCardFile(await readFile(join(dir, c.file), 'utf8'));
    officials.push({
      label: card.label,
      certificate: fromBase64(card.certificate),
      privateKeyPkcs8: fromBase64(card.privateKey),
    });
  }
  const rollText = await readFile(join(dir, 'roll.jsonl'), 'utf8');
  const rollParsed = parseRollJsonLines(rollText);
  if (!rollParsed.ok) throw new Error(`demo roll.jsonl: ${rollParsed.error.join('; ')}`);
  const sorted = sortRoll(rollParsed.value);
  if (!sorted.ok) throw new Error(sorted.error);
  const v = pkg.qualifications.voters;
  const voters = v.mode === 'sample' ? v.selected : sorted.value;
  const chosen = new Set(voters.map((r) => r.voterRef as string));
  const opensMs = Date.parse(pkg.window.opens);
  const closesMs = Date.parse(pkg.window.closes);
  return {
    election,
    source: election.source,
    trustText,
    authorities,
    m: trust.m,
    logSigner,
    witnessSigners,
    officials,
    roll: sorted.value,
    rollText,
    voters,
    outsiders: sorted.value.filter((r) => !chosen.has(r.voterRef)),
    opensMs,
    closesMs,
    drainEndMs: closesMs + pkg.window.drainHours * 3_600_000,
  };
}
