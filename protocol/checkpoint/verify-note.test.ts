import { describe, expect, it } from 'vitest';
import { utf8 } from '../bytes';
import { leafHash } from '../merkle';
import { mlDsaKeygen, nobleVerifier, type MlDsaVerifier } from '../ml-dsa';
import { loadNativeMlDsa } from '../../native/ml-dsa';
import { checkpoint, encodeCheckpointBody } from './checkpoint-body';
import { cosign, signCheckpoint } from './cosignature';
import { TORCHWOOD_ADD_CHECKPOINT, TORCHWOOD_VKEY } from './testdata/torchwood-mldsa';
import { verifyCheckpointQuorum, verifyNote } from './verify-note';
import { cosignerKey, parseVkey } from './vkey';

function signer(name: string, seedByte: number) {
  const { publicKey, secretKey } = mlDsaKeygen(44, new Uint8Array(32).fill(seedByte));
  return { name, publicKey, secretKey, key: cosignerKey(name, publicKey) };
}

const log = signer('ledger.example/e1', 1);
const [w1, w2, w3] = [signer('w.example/1', 2), signer('w.example/2', 3), signer('w.example/3', 4)];
const cp = checkpoint(log.name, 7, leafHash(utf8('r')));
const logNote = signCheckpoint(cp, log, 1000);
const cosigned = logNote + cosign(cp, w1, 1001) + cosign(cp, w2, 1002);
const trust = { log: log.key, witnesses: [w1.key, w2.key, w3.key], quorum: 2 };

describe('verifyNote', () => {
  it('reports verified, failed and unknown signers', () => {
    const forged = cosign(checkpoint(log.name, 8, cp.root), w3, 5); // w3 signed another size
    const stranger = cosign(cp, signer('x.example/1', 9), 5);
    const v = verifyNote(cosigned + forged + stranger, [log.key, w1.key, w3.key]);
    if (!v.ok) throw new Error(v.error);
    expect(v.value.verified.map((s) => [s.name, s.timestamp])).toEqual([
      [log.name, 1000],
      ['w.example/1', 1001],
    ]);
    expect(v.value.failed.map((s) => s.name)).toEqual(['w.example/3']);
    expect(v.value.unknown.map((s) => s.name)).toEqual(['w.example/2', 'x.example/1']);
    expect(v.value.checkpoint.size).toBe(7);
  });

  it('rejects a note no trusted key signed, saying why', () => {
    expect(verifyNote(logNote, [w1.key])).toEqual({
      ok: false,
      error:
        'checkpoint ledger.example/e1 size 7 is not signed by a trusted key: no signature from a trusted key',
    });
    const wrongKey = cosignerKey(log.name, w1.publicKey); // same name, other key: other key ID, ignored
    expect(verifyNote(logNote, [wrongKey]).ok).toBe(false);
    const tampered = logNote.replace('\n7\n', '\n8\n');
    const r = verifyNote(tampered, [log.key]);
    expect(!r.ok && r.error).toMatch(/does not verify for ledger.example\/e1 size 8/);
  });

  it('refuses checkpoints with extension lines (not covered by ML-DSA-44 cosignatures)', () => {
    const body = encodeCheckpointBody(cp);
    const withExtension = logNote.replace(body, `${body}extra\n`);
    expect(verifyNote(withExtension, [log.key])).toEqual({
      ok: false,
      error: 'checkpoint has extension lines, which ML-DSA-44 cosignatures do not cover; refused',
    });
  });

  it('refuses a malformed note or body', () => {
    expect(verifyNote('junk', [log.key]).ok).toBe(false);
    expect(verifyNote(logNote.replace('ledger', '\u0001'), [log.key]).ok).toBe(false);
  });

  it('verifies the torchwood checkpoint', () => {
    const key = parseVkey(TORCHWOOD_VKEY);
    if (!key.ok) throw new Error(key.error);
    const v = verifyNote(TORCHWOOD_ADD_CHECKPOINT.slice('old 0\n\n'.length), [key.value]);
    expect(v.ok && v.value.verified).toEqual([
      { name: 'example.com/mldsa-log', keyId: 'b5df45c5', timestamp: 0 },
    ]);
  });
});

describe('verifyCheckpointQuorum', () => {
  it('accepts the log signature plus a quorum of distinct witnesses', () => {
    const r = verifyCheckpointQuorum(cosigned + cosign(cp, w1, 1003), trust);
    expect(r).toEqual({
      ok: true,
      value: {
        checkpoint: cp,
        logTimestamp: 1000,
        witnesses: [
          { name: 'w.example/1', timestamp: 1001 },
          { name: 'w.example/2', timestamp: 1002 },
        ],
      },
    });
  });

  it('refuses too few witnesses, a missing log signature, a wrong origin, a failing trusted line', () => {
    expect(verifyCheckpointQuorum(logNote + cosign(cp, w1, 1), trust)).toEqual({
      ok: false,
      error: 'checkpoint ledger.example/e1 size 7 has 1 witness cosignature(s), 2 required',
    });
    const witnessOnly = `${encodeCheckpointBody(cp)}\n${cosign(cp, w1, 1)}${cosign(cp, w2, 1)}`;
    const noLog = verifyCheckpointQuorum(witnessOnly, trust);
    expect(!noLog.ok && noLog.error).toMatch(/is not signed by the log key ledger.example\/e1\+[0-9a-f]{8}/);
    const other = signer('other.example/e1', 5);
    const otherCp = checkpoint(other.name, 7, cp.root);
    const otherNote = signCheckpoint(otherCp, other, 1) + cosign(otherCp, w1, 1) + cosign(otherCp, w2, 1);
    const wrongOrigin = verifyCheckpointQuorum(otherNote, trust);
    expect(!wrongOrigin.ok && wrongOrigin.error).toBe(
      'checkpoint origin other.example/e1 is not the log ledger.example/e1',
    );
    const bad = cosigned + cosign(checkpoint(log.name, 6, cp.root), w3, 1);
    const failing = verifyCheckpointQuorum(bad, trust);
    expect(!failing.ok && failing.error).toMatch(/^rejected: cosignature by w.example\/3 does not verify/);
  });
});

// The ledger and auditor pass the native verifier: it must reach the same verdicts as noble.
const native = loadNativeMlDsa();
const verifiers: MlDsaVerifier[] = native.ok ? [nobleVerifier, native.verifier] : [nobleVerifier];

describe.each(verifiers.map((v) => [v.name, v] as const))('with the %s verifier', (_name, verifier) => {
  it('verifies the torchwood checkpoint and ours, and fails tampered ones', () => {
    const key = parseVkey(TORCHWOOD_VKEY);
    if (!key.ok) throw new Error(key.error);
    const torchwood = TORCHWOOD_ADD_CHECKPOINT.slice('old 0\n\n'.length);
    expect(verifyNote(torchwood, [key.value], verifier).ok).toBe(true);
    expect(verifyNote(torchwood.replace('\n1\n', '\n2\n'), [key.value], verifier).ok).toBe(false);
    expect(verifyCheckpointQuorum(cosigned, trust, verifier).ok).toBe(true);
    expect(verifyCheckpointQuorum(cosigned.replace('\n7\n', '\n9\n'), trust, verifier).ok).toBe(false);
  });
});
