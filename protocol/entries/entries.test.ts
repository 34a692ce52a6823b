/* eslint-disable @typescript-eslint/no-explicit-any -- tests edit arbitrary JSON to make bad entries */
import * as crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, issueCardCertificate, type TestCa } from '../../drivers/pkcs11/test-ca';
import { fromBase64, toBase64, toHex, utf8 } from '../bytes';
import { canonicalBytes, canonicalJson } from '../jcs';
import { leafHash, rootFromLeafHashes } from '../merkle/index';
import { mlDsaKeygen, mlDsaSign } from '../ml-dsa';
import { parseElectionPackage, type LoadedElection } from '../election/parse';
import { formatProblem } from '../election/problems';
import { fixturePackage, seeded } from '../election/test-fixture';
import type { ElectionId } from '../election/schema';
import type { VoterRef } from '../voters/voter-ref';
import { checkBallotSelections, checkEntryAgainstElection } from './against-election';
import { batchRoot, chainLink, EMPTY_CHAIN, FIRST_PREV, nextChainState } from './chain';
import { checkEnrolmentOfficial, enrolmentSigningBytes } from './enrolment';
import { parseLeafData, signEntry, verifyEnvelope } from './envelope';
import { kioskId, type KioskId } from './kiosk-id';
import type {
  BallotEntry,
  BatchEntry,
  CheckinEntry,
  Entry,
  KioskEnrolmentEntry,
  PollsEntry,
} from './schemas';
import { base32, formatTrackingCode, parseTrackingCode, trackingCodeOf } from './tracking-code';

const kioskKeys = mlDsaKeygen(65, seeded('kiosk-1'));
const otherKeys = mlDsaKeygen(65, seeded('kiosk-2'));
const KIOSK: KioskId = kioskId(kioskKeys.publicKey);
let election: LoadedElection;
let officials: TestCa;
let ELECTION: ElectionId;

beforeAll(async () => {
  const voters = await createTestCa('Voters CA');
  officials = await createTestCa('Officials CA');
  const r = parseElectionPackage(
    fixturePackage({ voters: voters.certificatePem, officials: officials.certificatePem }),
  );
  if (!r.ok) throw new Error(r.error.map(formatProblem).join('\n'));
  election = r.value;
  ELECTION = election.electionId;
});

function checkin(): CheckinEntry {
  return {
    v: 1,
    type: 'checkin',
    election: ELECTION,
    kiosk: KIOSK,
    voterRef: 'ab'.repeat(32) as VoterRef,
    style: 'deu',
  };
}
function ballot(selections: Record<string, string[]> = { proposal: ['yes'] }, style = 'deu'): BallotEntry {
  return {
    v: 1,
    type: 'ballot',
    election: ELECTION,
    kiosk: KIOSK,
    style,
    selections,
    tracker: '01'.repeat(16),
  };
}
function batch(): BatchEntry {
  return {
    v: 1,
    type: 'batch',
    election: ELECTION,
    kiosk: KIOSK,
    seq: 1,
    prev: FIRST_PREV,
    count: 2,
    root: 'cd'.repeat(32),
    final: false,
  };
}
function polls(): PollsEntry {
  return {
    v: 1,
    type: 'polls',
    election: ELECTION,
    kiosk: KIOSK,
    seq: 1,
    prev: FIRST_PREV,
    event: 'open',
    counts: { checkins: 0, ballots: 0 },
  };
}

function leafText(entry: Entry): string {
  return new TextDecoder().decode(signEntry(entry, kioskKeys.secretKey, kioskKeys.publicKey));
}

function problemsOf(text: string): string[] {
  const r = parseLeafData(utf8(text));
  return r.ok ? [] : r.error.map(formatProblem);
}

describe('sign / parse / verify (DESIGN §3, §5)', () => {
  it.each([
    ['checkin', checkin],
    ['ballot', () => ballot()],
    ['batch', batch],
    ['polls', polls],
  ] as const)('round-trips a %s entry', (_name, make) => {
    const entry = make();
    const leaf = signEntry(entry, kioskKeys.secretKey, kioskKeys.publicKey);
    const parsed = parseLeafData(leaf);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.entry).toEqual(entry);
    expect(parsed.value.signer).toBe(KIOSK);
    expect(canonicalJson(parsed.value)).toBe(new TextDecoder().decode(leaf));
    expect(verifyEnvelope(parsed.value, kioskKeys.publicKey)).toEqual({ ok: true, value: true });
    const other = verifyEnvelope(parsed.value, otherKeys.publicKey);
    expect(!other.ok && other.error).toMatch(/the key given is kiosk .*, the entry is signed by/);
  });

  it('refuses non-canonical leaf data', () => {
    const text = leafText(checkin());
    const pretty = JSON.stringify(JSON.parse(text), null, 1);
    expect(problemsOf(pretty)[0]).toMatch(/not canonical JSON \(RFC 8785\)/);
    const { entry, signer, sig } = JSON.parse(text);
    const reordered = JSON.stringify({ sig, signer, entry });
    expect(problemsOf(reordered)[0]).toMatch(/not canonical JSON/);
    expect(problemsOf(text.replace('"v":1', '"v":1.0'))[0]).toMatch(/not canonical JSON/);
  });

  it('refuses a signature made for another purpose (wrong context)', () => {
    const entry = ballot();
    // Signed as a check-in: same key, same bytes, other FIPS 204 context.
    const sig = mlDsaSign('checkin', kioskKeys.secretKey, canonicalBytes(entry));
    const forged = canonicalBytes({ entry, signer: KIOSK, sig: toBase64(sig) });
    const parsed = parseLeafData(forged);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const r = verifyEnvelope(parsed.value, kioskKeys.publicKey);
    expect(r).toEqual({
      ok: false,
      error: `the ballot signature of kiosk ${KIOSK} does not verify (context ogas-ballot-v1): the entry was altered or signed for another purpose`,
    });
  });

  it('refuses an altered entry', () => {
    const parsed = parseLeafData(signEntry(ballot(), kioskKeys.secretKey, kioskKeys.publicKey));
    if (!parsed.ok) throw new Error('parse');
    const altered = {
      ...parsed.value,
      entry: { ...parsed.value.entry, selections: { proposal: ['no'] } },
    } as typeof parsed.value;
    expect(verifyEnvelope(altered, kioskKeys.publicKey).ok).toBe(false);
  });

  it('names each wrong field', () => {
    const base = JSON.parse(leafText(batch()));
    const cases: [(e: any) => void, string][] = [
      [(e) => (e.entry.seq = 0), 'entry.seq: must be a positive integer'],
      [(e) => (e.entry.prev = 'zz'), 'entry.prev: must be 64 lowercase hex characters'],
      [(e) => (e.entry.final = 'yes'), 'entry.final: must be true or false'],
      [(e) => delete e.entry.root, 'entry.root: is required'],
      [
        (e) => (e.entry.extra = 1),
        'entry.extra: unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
      ],
      [
        (e) => (e.entry.type = 'vote'),
        'entry.type: must be one of "checkin", "ballot", "batch", "polls", "kiosk-enrolment"',
      ],
      [(e) => (e.sig = 'x'), 'sig: must be standard base64 with padding'],
      [(e) => (e.signer = 'ab'.repeat(32)), `signer: must equal entry.kiosk (${KIOSK})`],
      [(e) => (e.entry.v = 2), 'entry.v: must be 1'],
    ];
    for (const [edit, message] of cases) {
      const copy = JSON.parse(JSON.stringify(base));
      edit(copy);
      expect(problemsOf(canonicalJson(copy))).toContain(message);
    }
    const b = JSON.parse(leafText(ballot()));
    b.entry.tracker = 'ab';
    b.entry.selections = { proposal: 'yes' };
    expect(problemsOf(canonicalJson(b))).toEqual([
      'entry.selections.proposal: must be an array of option ids',
      'entry.tracker: must be 32 lowercase hex characters',
    ]);
    const p = JSON.parse(leafText(polls()));
    p.entry.event = 'reopen';
    p.entry.counts.ballots = -1;
    expect(problemsOf(canonicalJson(p))).toEqual([
      'entry.event: must be "open", "pause", "resume" or "close"',
      'entry.counts.ballots: must be a non-negative integer',
    ]);
    expect(problemsOf('[1]')).toEqual(['must be an object {entry, signer, sig}']);
  });

  it("refuses to sign an entry that is not this kiosk's or not valid (bugs throw)", () => {
    expect(() => signEntry(checkin(), otherKeys.secretKey, otherKeys.publicKey)).toThrow(
      /is not the id of this kiosk key/,
    );
    expect(() => signEntry({ ...checkin(), style: '' }, kioskKeys.secretKey, kioskKeys.publicKey)).toThrow(
      /style/,
    );
  });
});

describe('kiosk enrolment (DESIGN §5)', () => {
  async function enrolment(role: 'official' | 'poll-worker', tamper = false) {
    const card = await issueCardCertificate(officials, { commonName: 'Official', role });
    const unsigned = {
      v: 1 as const,
      type: 'kiosk-enrolment' as const,
      election: ELECTION,
      kiosk: KIOSK,
      publicKey: toBase64(kioskKeys.publicKey),
    };
    const key = crypto.createPrivateKey({
      key: Buffer.from(card.privateKeyPkcs8),
      format: 'der',
      type: 'pkcs8',
    });
    const sig = crypto.sign('sha256', enrolmentSigningBytes(unsigned), { key, dsaEncoding: 'ieee-p1363' });
    if (tamper) sig[3]! ^= 1;
    const entry: KioskEnrolmentEntry = {
      ...unsigned,
      official: { cert: toBase64(card.certificate), sig: toBase64(sig) },
    };
    return entry;
  }

  it('signs and checks an enrolment: kiosk key over the envelope, official card over the entry', async () => {
    const entry = await enrolment('official');
    expect(toHex(enrolmentSigningBytes(entry))).toBe(
      toHex(enrolmentSigningBytes({ ...entry, official: { cert: 'AA==', sig: 'AA==' } })),
    );
    const leaf = parseLeafData(signEntry(entry, kioskKeys.secretKey, kioskKeys.publicKey));
    expect(leaf.ok).toBe(true);
    if (!leaf.ok || leaf.value.entry.type !== 'kiosk-enrolment') return;
    expect(verifyEnvelope(leaf.value, fromBase64(leaf.value.entry.publicKey)).ok).toBe(true);
    const official = checkEnrolmentOfficial(leaf.value.entry, election.package.trust.officials, new Date());
    expect(official.ok && official.value.role).toBe('official');
  });

  it('refuses a poll-worker card, a bad card signature and a kiosk id that is not the key hash', async () => {
    const worker = checkEnrolmentOfficial(
      await enrolment('poll-worker'),
      election.package.trust.officials,
      new Date(),
    );
    expect(!worker.ok && worker.error.kind).toBe('wrong-role');
    const bad = checkEnrolmentOfficial(
      await enrolment('official', true),
      election.package.trust.officials,
      new Date(),
    );
    expect(!bad.ok && bad.error).toMatchObject({
      kind: 'bad-signature',
      message: "the official card's signature on this kiosk enrolment does not verify",
    });
    const e = JSON.parse(
      new TextDecoder().decode(
        signEntry(await enrolment('official'), kioskKeys.secretKey, kioskKeys.publicKey),
      ),
    );
    e.entry.publicKey = toBase64(otherKeys.publicKey);
    expect(problemsOf(canonicalJson(e))).toEqual(['entry.kiosk: must be the hex SHA-256 of entry.publicKey']);
  });
});

describe('tracking code (DESIGN §5)', () => {
  it('is RFC 4648 base32 (test vectors of §10) of the leaf hash, first 16 characters', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [input, want] of vectors) expect(base32(utf8(input))).toBe(want);
    const hash = leafHash(utf8('ballot'));
    const code = trackingCodeOf(hash);
    expect(code).toBe(base32(hash).slice(0, 16));
    expect(formatTrackingCode(code)).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
  });

  it('reads any case, with or without dashes, and says what is wrong otherwise', () => {
    expect(parseTrackingCode('abcd-efgh-ijkl-mnop')).toEqual({ ok: true, value: 'ABCDEFGHIJKLMNOP' });
    expect(parseTrackingCode(' ABCDefghIJKLmnop ')).toEqual({ ok: true, value: 'ABCDEFGHIJKLMNOP' });
    expect(parseTrackingCode('ABCD-EFGH-IJKL-MNO')).toEqual({
      ok: false,
      error: expect.stringMatching(/four groups of four/),
    });
    expect(parseTrackingCode('ABCDEFGHIJKLMNO')).toEqual({
      ok: false,
      error: 'a tracking code has 16 letters and digits; this one has 15',
    });
    expect(parseTrackingCode('ABCD-EFGH-IJKL-MN0P')).toEqual({
      ok: false,
      error:
        '"0" never appears in a tracking code (they use the letters A–Z and the digits 2–7); did you mean "O"?',
    });
    expect(parseTrackingCode('AB-CDEFGHIJKLMNOP').ok).toBe(false);
    expect(parseTrackingCode('ABCD EFGH IJKL MNOP').ok).toBe(false);
  });
});

describe('kiosk chain and batch root (DESIGN §5)', () => {
  it('links by hash of the previous leaf, from 64 zeros, without gaps', () => {
    const first = polls();
    const leaf1 = signEntry(first, kioskKeys.secretKey, kioskKeys.publicKey);
    const s1 = nextChainState(EMPTY_CHAIN, first, leaf1);
    expect(s1).toEqual({ ok: true, value: { seq: 1, head: chainLink(leaf1) } });
    if (!s1.ok) return;
    const second = { ...batch(), seq: 2, prev: chainLink(leaf1) };
    expect(nextChainState(s1.value, second, new Uint8Array()).ok).toBe(true);
    expect(nextChainState(s1.value, { ...second, seq: 3 }, new Uint8Array())).toEqual({
      ok: false,
      error: "seq 3 leaves a gap: this kiosk's next seq is 2",
    });
    expect(nextChainState(s1.value, { ...second, seq: 1 }, new Uint8Array())).toEqual({
      ok: false,
      error: 'seq 1 was already used by this kiosk (its chain is at 1)',
    });
    expect(nextChainState(s1.value, { ...second, prev: FIRST_PREV }, new Uint8Array()).ok).toBe(false);
  });

  it("batch root is the RFC 6962 root over the ballots' leaf hashes", () => {
    const leaves = [1, 2, 3].map(() => signEntry(ballot(), kioskKeys.secretKey, kioskKeys.publicKey));
    expect(batchRoot(leaves)).toBe(toHex(rootFromLeafHashes(leaves.map(leafHash))));
    expect(batchRoot(leaves)).not.toBe(batchRoot([...leaves].reverse()));
  });
});

describe('entries against the election package', () => {
  it('accepts full, partial and blank ballots', () => {
    expect(checkBallotSelections(ballot({ proposal: ['yes'] }), election.package).ok).toBe(true);
    expect(checkBallotSelections(ballot({}), election.package).ok).toBe(true);
    expect(checkBallotSelections(ballot({ proposal: [] }), election.package).ok).toBe(true);
    expect(
      checkBallotSelections(
        ballot({ 'idf-council': ['a', 'c'], proposal: ['no'] }, 'fra-par'),
        election.package,
      ).ok,
    ).toBe(true);
  });

  it('names each problem of a ballot', () => {
    const r = checkBallotSelections(
      ballot({ 'fra-national': ['yes'], 'idf-council': ['a', 'a', 'z'], proposal: ['maybe'] }, 'deu'),
      election.package,
    );
    expect(r.ok ? [] : r.error).toEqual([
      'selections.fra-national: contest "fra-national" is not on ballot style "deu"',
      'selections.idf-council: contest "idf-council" is not on ballot style "deu"',
      'selections.proposal[0]: contest "proposal" has no option "maybe"',
    ]);
    const many = checkBallotSelections(
      ballot({ 'idf-council': ['a', 'a', 'b'] }, 'fra-par'),
      election.package,
    );
    expect(many.ok ? [] : many.error).toEqual([
      'selections.idf-council[1]: option "a" is chosen twice',
      'selections.idf-council: 3 options chosen, at most 2 allowed',
    ]);
    expect(checkBallotSelections(ballot({}, 'nope'), election.package)).toEqual({
      ok: false,
      error: ['style: no ballot style "nope" in the election package'],
    });
  });

  it('checks the election id, check-in styles and batch size', () => {
    expect(
      checkEntryAgainstElection({ ...checkin(), election: 'ee'.repeat(32) as ElectionId }, election).ok,
    ).toBe(false);
    expect(checkEntryAgainstElection({ ...checkin(), style: 'nope' }, election).ok).toBe(false);
    expect(checkEntryAgainstElection(checkin(), election).ok).toBe(true);
    expect(checkEntryAgainstElection({ ...batch(), count: 99 }, election).ok).toBe(true);
    expect(checkEntryAgainstElection({ ...batch(), count: 100 }, election)).toEqual({
      ok: false,
      error: ['count: 100 ballots and their manifest exceed limits.maxBatch (100 entries a request)'],
    });
  });
});
