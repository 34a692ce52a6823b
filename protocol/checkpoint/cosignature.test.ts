import { describe, expect, it } from 'vitest';
import { concatBytes, fromBase64, u64be, utf8 } from '../bytes';
import { mlDsaKeygen, type MlDsaVerifier } from '../ml-dsa';
import { leafHash } from '../merkle';
import { checkpoint, parseCheckpointBody } from './checkpoint-body';
import { cosign, cosignedMessage, cosignSignature, signCheckpoint, verifyCosignature } from './cosignature';
import { parseSignatureLines, parseSignedNote } from './signed-note';
import { TORCHWOOD_ADD_CHECKPOINT, TORCHWOOD_VKEY } from './testdata/torchwood-mldsa';
import { cosignerKey, parseVkey } from './vkey';

function signer(name: string, seedByte: number) {
  const { publicKey, secretKey } = mlDsaKeygen(44, new Uint8Array(32).fill(seedByte));
  return { name, publicKey, secretKey, key: cosignerKey(name, publicKey) };
}

const root = leafHash(utf8('root'));
const cp = checkpoint('ledger.example/e1', 42, root);

describe('cosigned_message (C2SP tlog-cosignature "ML-DSA-44 signed message")', () => {
  it('is laid out byte for byte as the spec says', () => {
    const m = cosignedMessage('w1', 1679315147, cp);
    const want = concatBytes(
      utf8('subtree/v1\n'),
      new Uint8Array([0, 2]),
      utf8('w1'),
      u64be(1679315147),
      new Uint8Array([17]),
      utf8('ledger.example/e1'),
      u64be(0),
      u64be(42),
      root,
    );
    expect(m).toEqual({ ok: true, value: want });
  });

  it('refuses names and origins outside 1..255 bytes', () => {
    expect(cosignedMessage('x'.repeat(256), 0, cp)).toEqual({
      ok: false,
      error: 'cosigner name must be 1 to 255 bytes, is 256',
    });
    expect(cosignedMessage('w', 0, { ...cp, origin: '' }).ok).toBe(false);
  });
});

describe('cosign / verifyCosignature', () => {
  const log = signer('ledger.example/e1', 1);
  const w1 = signer('witness.example/w1', 2);

  it('produces a line that verifies, with its timestamp', () => {
    const line = cosign(cp, w1, 1_700_000_000);
    expect(line.startsWith('\u2014 witness.example/w1 ')).toBe(true);
    expect(line.endsWith('\n')).toBe(true);
    const sig = parseSignatureLines(line);
    if (!sig.ok) throw new Error(sig.error);
    expect(sig.value[0]!.signature.length).toBe(8 + 2420);
    expect(verifyCosignature(sig.value[0]!, w1.key, cp)).toEqual({
      ok: true,
      value: { timestamp: 1_700_000_000 },
    });
  });

  it('fails for another key, origin, size, root or timestamp', () => {
    const sig = cosignSignature(cp, w1, 5);
    expect(verifyCosignature(sig, signer('witness.example/w1', 3).key, cp).ok).toBe(false);
    expect(verifyCosignature(sig, cosignerKey('witness.example/w2', w1.publicKey), cp).ok).toBe(false);
    expect(verifyCosignature(sig, w1.key, checkpoint('other.example/e1', 42, root)).ok).toBe(false);
    expect(verifyCosignature(sig, w1.key, checkpoint(cp.origin, 43, root)).ok).toBe(false);
    expect(verifyCosignature(sig, w1.key, checkpoint(cp.origin, 42, leafHash(utf8('x')))).ok).toBe(false);
    const later = { ...sig, signature: concatBytes(u64be(6), sig.signature.subarray(8)) };
    expect(verifyCosignature(later, w1.key, cp)).toEqual({
      ok: false,
      error: 'cosignature by witness.example/w1 does not verify for ledger.example/e1 size 42',
    });
    const short = { ...sig, signature: sig.signature.subarray(1) };
    expect(verifyCosignature(short, w1.key, cp)).toEqual({
      ok: false,
      error: 'cosignature by witness.example/w1 is 2427 bytes after the key ID, not 2428',
    });
    const huge = { ...sig, signature: concatBytes(new Uint8Array(8).fill(255), sig.signature.subarray(8)) };
    expect(verifyCosignature(huge, w1.key, cp).ok).toBe(false);
  });

  it('passes the context-free message to the verifier backend it is given', () => {
    const calls: number[] = [];
    const spy: MlDsaVerifier = {
      name: 'spy',
      verify: (level, _pk, _msg, _sig, context) => {
        calls.push(level, context.length);
        return true;
      },
    };
    expect(verifyCosignature(cosignSignature(cp, w1, 0), w1.key, cp, spy).ok).toBe(true);
    expect(calls).toEqual([44, 0]);
  });

  it('signs the log checkpoint as its origin', () => {
    const note = signCheckpoint(cp, log, 99);
    const parsed = parseSignedNote(note);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.text).toBe(`ledger.example/e1\n42\n${Buffer.from(root).toString('base64')}\n`);
    expect(verifyCosignature(parsed.value.signatures[0]!, log.key, cp).ok).toBe(true);
    expect(() => signCheckpoint(cp, w1, 99)).toThrow(/signs as its origin/);
  });

  it('treats bad signer arguments as bugs', () => {
    expect(() => cosign(cp, { ...w1, secretKey: signer('x', 9).secretKey }, 0)).toThrow(/does not belong/);
    expect(() => cosign(cp, { ...w1, name: 'a b' }, 0)).toThrow(/invalid cosigner name/);
    expect(() => cosign(cp, w1, -1)).toThrow(/timestamp/);
    expect(() => cosign(cp, w1, 1.5)).toThrow(/timestamp/);
  });
});

describe('interoperability with filippo.io/torchwood (third-party ML-DSA-44 cosignature)', () => {
  it('verifies the checkpoint its log signed', () => {
    const key = parseVkey(TORCHWOOD_VKEY);
    const note = parseSignedNote(TORCHWOOD_ADD_CHECKPOINT.slice('old 0\n\n'.length));
    if (!key.ok || !note.ok) throw new Error('fixture');
    const body = parseCheckpointBody(note.value.text);
    if (!body.ok) throw new Error(body.error);
    expect(body.value.root).toEqual(leafHash(utf8('testonly')));
    expect(verifyCosignature(note.value.signatures[0]!, key.value, body.value)).toEqual({
      ok: true,
      value: { timestamp: 0 },
    });
    const tampered = { ...body.value, size: 2 };
    expect(verifyCosignature(note.value.signatures[0]!, key.value, tampered).ok).toBe(false);
    expect(fromBase64('td9FxQ==')).toEqual(key.value.keyId);
  });
});
