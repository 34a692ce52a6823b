/**
 * A complete election for ledger tests (and for the kiosk and audit tests that need a running ledger):
 * a package signed by 2 of 3 authorities (protocol/election's test package, with this log's key, window
 * and limits), its trust file, a roll, test CAs and an official's card, witness keys, and test kiosks
 * that sign real entries (enrolment, check-ins, ballots, batch manifests, polls events).
 *
 *   const f = await createLedgerFixture({ voters: 40 });
 *   const ledger = await startLedger({ ...f.ledgerInputs(), clock });
 *   const kiosk = f.kiosk('k1');
 *   await post(ledger.url, [kiosk.enrolment()]);
 *
 * Test-only: it imports the test CA of drivers/pkcs11 to issue the official's card.
 */
import * as crypto from 'node:crypto';
import { toBase64, utf8 } from '../../protocol/bytes';
import type { CosignerSigner } from '../../protocol/checkpoint';
import { encodeVkey } from '../../protocol/checkpoint';
import {
  parseElectionPackage,
  signPackage,
  type ElectionPackageInput,
  type LoadedElection,
} from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { fixturePackage, FIXTURE_ROLL_SALT, seeded } from '../../protocol/election/test-fixture';
import {
  batchRoot,
  chainLink,
  enrolmentSigningBytes,
  FIRST_PREV,
  kioskId,
  signEntry,
  type BallotEntry,
  type Entry,
  type KioskId,
  type PollsEvent,
} from '../../protocol/entries';
import { mlDsaKeygen, type MlDsaKeyPair } from '../../protocol/ml-dsa';
import { rollRoot, sortRoll, voterRef, type RollRecord } from '../../protocol/voters';
import {
  createTestCa,
  issueCardCertificate,
  type IssuedCertificate,
  type TestCa,
} from '../../drivers/pkcs11/test-ca';
import type { LogKey } from '../server/log-key';

export interface LedgerFixtureOptions {
  /** Default 'roll' (the ledger holds the roll); 'sample' uses the test package's sample of 6. */
  readonly mode?: 'roll' | 'sample';
  /** Roll size in roll mode (default 24), styles cycling fra-par, deu, usa. */
  readonly voters?: number;
  /** Check-in window; default: opened an hour ago, closes in a day. */
  readonly opensMs?: number;
  readonly closesMs?: number;
  readonly drainHours?: number;
  readonly minBatch?: number;
  readonly maxBatch?: number;
  /** Witnesses named in the package (default 1), and the quorum (default 1). */
  readonly witnesses?: number;
  readonly quorum?: number;
  readonly origin?: string;
}

export interface LedgerFixture {
  readonly packageText: string;
  readonly trustText: string;
  /** Roll JSON lines (roll mode; in sample mode the 12-voter roll of the test package). */
  readonly rollText: string;
  readonly logKey: LogKey;
  readonly election: LoadedElection;
  readonly electionId: string;
  /** Voters the ledger admits: the roll, or the sample. */
  readonly voters: readonly RollRecord[];
  readonly witnessSigners: readonly CosignerSigner[];
  readonly officialsCa: TestCa;
  readonly official: IssuedCertificate;
  readonly source: ElectionPackageInput;
  /** The ledger inputs of this election (SQLite `db`, default in memory). */
  ledgerInputs(db?: string): {
    packageText: string;
    trustText: string;
    logKey: LogKey;
    rollText?: string;
    db: string;
  };
  /** A kiosk with a key derived from `label` (same label, same key). */
  kiosk(label: string): TestKiosk;
}

const HOUR = 3_600_000;
const STYLES: readonly { style: string; country: string }[] = [
  { style: 'fra-par', country: 'FRA' },
  { style: 'deu', country: 'DEU' },
  { style: 'usa', country: 'USA' },
];

function cosigner(name: string, label: string): CosignerSigner {
  const k = mlDsaKeygen(44, seeded(label));
  return { name, publicKey: k.publicKey, secretKey: k.secretKey };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function createLedgerFixture(options: LedgerFixtureOptions = {}): Promise<LedgerFixture> {
  const votersCa = await createTestCa('Voters CA');
  const officialsCa = await createTestCa('Officials CA');
  const official = await issueCardCertificate(officialsCa, {
    commonName: 'Provisioning official',
    role: 'official',
  });
  const origin = options.origin ?? 'ledger.test/fixture';
  const logSigner = cosigner(origin, `${origin}:log`);
  const logKey: LogKey = { origin, signer: logSigner, vkey: encodeVkey(origin, logSigner.publicKey) };
  const witnessSigners = Array.from({ length: options.witnesses ?? 1 }, (_, i) =>
    cosigner(`witness-${i + 1}`, `${origin}:witness-${i + 1}`),
  );
  const now = Date.now();
  const opens = options.opensMs ?? now - HOUR;
  const closes = options.closesMs ?? now + 24 * HOUR;

  const base = fixturePackage({ voters: votersCa.certificatePem, officials: officialsCa.certificatePem });
  let roll: RollRecord[];
  let voters: RollRecord[];
  let qualifications = base.qualifications;
  if ((options.mode ?? 'roll') === 'roll') {
    const records = Array.from({ length: options.voters ?? 24 }, (_, i) => ({
      voterRef: voterRef(FIXTURE_ROLL_SALT, `ledger-person-${i}`),
      ...STYLES[i % STYLES.length]!,
    }));
    const sorted = sortRoll(records);
    if (!sorted.ok) throw new Error(sorted.error);
    roll = sorted.value;
    voters = roll;
    const eligibleByCountry: Record<string, number> = {};
    for (const r of roll) eligibleByCountry[r.country] = (eligibleByCountry[r.country] ?? 0) + 1;
    qualifications = {
      ...base.qualifications,
      voters: { mode: 'roll', rollRoot: rollRoot(roll), count: roll.length, eligibleByCountry },
    };
  } else {
    const v = base.qualifications.voters;
    if (v.mode !== 'sample') throw new Error('the protocol test package is expected in sample mode');
    voters = v.selected.map((r) => ({ ...r, voterRef: r.voterRef as RollRecord['voterRef'] }));
    roll = [];
  }
  let source: ElectionPackageInput = {
    ...base,
    window: { opens: rfc3339(opens), closes: rfc3339(closes), drainHours: options.drainHours ?? 24 },
    qualifications,
    ledger: {
      origin,
      url: 'http://127.0.0.1:8080',
      logKey: logKey.vkey,
      witnesses: witnessSigners.map((w) => ({ name: w.name, key: encodeVkey(w.name, w.publicKey) })),
      quorum: options.quorum ?? 1,
    },
    privacy: { minBatch: options.minBatch ?? 2 },
    limits: { maxBatch: options.maxBatch ?? 100 },
  };
  const authorities = [1, 2, 3].map((i) => mlDsaKeygen(65, seeded(`authority-${i}`)));
  for (const a of authorities.slice(0, 2)) {
    const signed = signPackage(source, a.secretKey, a.publicKey);
    if (!signed.ok) throw new Error(signed.error);
    source = signed.value;
  }
  const parsed = parseElectionPackage(source);
  if (!parsed.ok) throw new Error(`fixture package refused: ${parsed.error.map(formatProblem).join('; ')}`);
  const election = parsed.value;
  const packageText = JSON.stringify(source, null, 2);
  const trustText = JSON.stringify({ keys: authorities.map((a) => toBase64(a.publicKey)), m: 2 });
  const rollText = roll.map((r) => JSON.stringify(r)).join('\n') + (roll.length > 0 ? '\n' : '');
  return {
    packageText,
    trustText,
    rollText,
    logKey,
    election,
    electionId: election.electionId,
    voters,
    witnessSigners,
    officialsCa,
    official,
    source,
    ledgerInputs: (db = ':memory:') => ({
      packageText,
      trustText,
      logKey,
      ...(roll.length > 0 ? { rollText } : {}),
      db,
    }),
    kiosk: (label) => new TestKiosk(election.electionId, mlDsaKeygen(65, seeded(`kiosk:${label}`)), official),
  };
}

/** A kiosk that signs entries as a real one does, keeping its chain (seq, prev). */
export class TestKiosk {
  readonly id: KioskId;
  seq = 0;
  head = FIRST_PREV;
  private trackerCounter = 0;
  private readonly history: { seq: number; head: string }[] = [];

  constructor(
    readonly election: string,
    readonly keys: MlDsaKeyPair,
    private readonly official: IssuedCertificate,
  ) {
    this.id = kioskId(keys.publicKey);
  }

  sign(entry: Entry): Uint8Array {
    return signEntry(entry, this.keys.secretKey, this.keys.publicKey);
  }

  /** The kiosk-enrolment leaf, signed by the official's card (ECDSA P-256, P1363) and the kiosk key. */
  enrolment(officialCard: IssuedCertificate = this.official): Uint8Array {
    const unsigned = {
      v: 1 as const,
      type: 'kiosk-enrolment' as const,
      election: this.election as Entry['election'],
      kiosk: this.id,
      publicKey: toBase64(this.keys.publicKey),
    };
    const key = crypto.createPrivateKey({
      key: Buffer.from(officialCard.privateKeyPkcs8),
      format: 'der',
      type: 'pkcs8',
    });
    const sig = crypto.sign('sha256', enrolmentSigningBytes(unsigned), { key, dsaEncoding: 'ieee-p1363' });
    return this.sign({
      ...unsigned,
      official: { cert: toBase64(officialCard.certificate), sig: toBase64(sig) },
    });
  }

  checkin(voter: Pick<RollRecord, 'voterRef' | 'style'>): Uint8Array {
    return this.sign({
      v: 1,
      type: 'checkin',
      election: this.election as Entry['election'],
      kiosk: this.id,
      voterRef: voter.voterRef,
      style: voter.style,
    });
  }

  /** A ballot of `style` (default: "yes" on the proposal, blank elsewhere) with a fresh tracker. */
  ballot(style: string, selections: BallotEntry['selections'] = { proposal: ['yes'] }): Uint8Array {
    const tracker = crypto
      .createHash('sha256')
      .update(utf8(`${this.id}:${this.trackerCounter++}:${Math.random()}`))
      .digest('hex')
      .slice(0, 32);
    return this.sign({
      v: 1,
      type: 'ballot',
      election: this.election as Entry['election'],
      kiosk: this.id,
      style,
      selections,
      tracker,
    });
  }

  /** The batch manifest for `ballots` (leaf data), then the ballots: one request; advances the chain. */
  batch(ballots: readonly Uint8Array[], final = false): Uint8Array[] {
    const manifest = this.sign({
      v: 1,
      type: 'batch',
      election: this.election as Entry['election'],
      kiosk: this.id,
      seq: this.seq + 1,
      prev: this.head,
      count: ballots.length,
      root: batchRoot(ballots),
      final,
    });
    this.advance(manifest);
    return [manifest, ...ballots];
  }

  /** A polls event; advances the chain. */
  polls(event: PollsEvent, counts = { checkins: 0, ballots: 0 }): Uint8Array {
    const leaf = this.sign({
      v: 1,
      type: 'polls',
      election: this.election as Entry['election'],
      kiosk: this.id,
      seq: this.seq + 1,
      prev: this.head,
      event,
      counts,
    });
    this.advance(leaf);
    return leaf;
  }

  private advance(chained: Uint8Array): void {
    this.history.push({ seq: this.seq, head: this.head });
    this.seq++;
    this.head = chainLink(chained);
  }

  /** Where the chain stands, to come back to with `restore`. */
  mark(): { readonly seq: number; readonly head: string } {
    return { seq: this.seq, head: this.head };
  }

  restore(mark: { readonly seq: number; readonly head: string }): void {
    this.seq = mark.seq;
    this.head = mark.head;
  }

  /** Forgets the last chained entry (one the ledger refused), so the next one reuses its seq and prev. */
  undo(): void {
    const last = this.history.pop();
    if (!last) throw new Error('nothing to undo');
    this.seq = last.seq;
    this.head = last.head;
  }
}

/** The POST /v1/entries body for these leaves. */
export function entriesBody(leaves: readonly Uint8Array[]): string {
  return JSON.stringify({ entries: leaves.map((l) => Buffer.from(l).toString('utf8')) });
}
