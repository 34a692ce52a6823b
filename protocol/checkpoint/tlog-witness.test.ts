import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../bytes';
import { leafHash, MemoryTree } from '../merkle';
import { mlDsaKeygen } from '../ml-dsa';
import { checkpoint } from './checkpoint-body';
import { cosign, signCheckpoint } from './cosignature';
import { TORCHWOOD_ADD_CHECKPOINT } from './testdata/torchwood-mldsa';
import {
  encodeAddCheckpointRequest,
  encodeTreeSizeBody,
  parseAddCheckpointRequest,
  parseAddCheckpointResponse,
  parseTreeSizeBody,
} from './tlog-witness';

// The example request body of C2SP tlog-witness "add-checkpoint" (Ed25519 signatures; parsed, not verified).
const SPEC_REQUEST =
  'old 20852014\n' +
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n' +
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n' +
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n' +
  '\n' +
  'example.com/behind-the-sofa\n' +
  '20852163\n' +
  'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n' +
  '\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';

// Its example response body.
const SPEC_RESPONSE =
  '\u2014 witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n' +
  '\u2014 witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n' +
  '\u2014 witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n';

describe('add-checkpoint request (C2SP tlog-witness)', () => {
  it('parses the spec example and re-encodes it byte for byte', () => {
    const r = parseAddCheckpointRequest(SPEC_REQUEST);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.oldSize).toBe(20852014);
    expect(r.value.proof.map(toBase64)[3]).toBe('/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=');
    expect(r.value.checkpoint.size).toBe(20852163);
    expect(r.value.note.signatures.length).toBe(2);
    expect(encodeAddCheckpointRequest(r.value)).toBe(SPEC_REQUEST);
  });

  it('parses the torchwood request (old size 0, no proof)', () => {
    const r = parseAddCheckpointRequest(TORCHWOOD_ADD_CHECKPOINT);
    expect(r.ok && [r.value.oldSize, r.value.proof.length, r.value.checkpoint.origin]).toEqual([
      0,
      0,
      'example.com/mldsa-log',
    ]);
  });

  it('round-trips a real consistency proof and cosigned checkpoint', () => {
    const { publicKey, secretKey } = mlDsaKeygen(44, new Uint8Array(32).fill(1));
    const log = { name: 'ledger.example/e1', publicKey, secretKey };
    const tree = MemoryTree.fromLeafHashes(Array.from({ length: 100 }, (_, i) => leafHash(utf8(String(i)))));
    const proof = tree.consistencyProof(37, 100);
    if (!proof.ok) throw new Error(proof.error);
    const cp = checkpoint(log.name, 100, tree.root());
    const note = signCheckpoint(cp, log, 1) + cosign(cp, { ...log, name: 'w.example/1' }, 2);
    const body = encodeAddCheckpointRequest({ oldSize: 37, proof: proof.value, checkpointNote: note });
    const back = parseAddCheckpointRequest(body);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.proof).toEqual(proof.value);
    expect(back.value.checkpointNote).toBe(note);
    expect(back.value.checkpoint).toEqual(cp);
  });

  const note = SPEC_REQUEST.slice(SPEC_REQUEST.indexOf('example.com'));
  it.each([
    ['old 1\nAAAA', /request has no empty line before the checkpoint/],
    [`new 1\n\n${note}`, /request line 1 "new 1" is not "old <size>"/],
    [`old 01\n\n${note}`, /old size "01" is not a decimal number/],
    [`old 1\nAAAA\n\n${note}`, /request line 2 \(proof hash\) is 3 bytes, not 32/],
    [`old 1\nnot base64\n\n${note}`, /request line 2 \(proof hash\) is not canonical standard base64/],
    [`old 0\n${'A'.repeat(43)}=\n\n${note}`, /the proof must be empty when the old size is 0/],
    [`old 1\n${`${'A'.repeat(43)}=\n`.repeat(64)}\n${note}`, /64 proof lines; at most 63/],
    [`old 20852164\n\n${note}`, /old size 20852164 is larger than the checkpoint size 20852163/],
    ['old 1\n\nexample.com\n1\n', /checkpoint note: note has no blank line/],
    [`old 1\n\nexample.com\n1\nAAAA\n\n\u2014 a AAAAAAAA\n`, /checkpoint line 3 \(root\) is 3 bytes/],
    [`old 1\r\n\n${note}`, /control character U\+000d/],
  ])('refuses %j', (body, why) => {
    const r = parseAddCheckpointRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  it('never throws on mutated bodies; what it accepts re-encodes identically', () => {
    fc.assert(
      fc.property(fc.nat(SPEC_REQUEST.length), fc.nat(6), fc.string({ maxLength: 3 }), (at, del, ins) => {
        const body = SPEC_REQUEST.slice(0, at) + ins + SPEC_REQUEST.slice(at + del);
        const r = parseAddCheckpointRequest(body);
        if (r.ok) expect(encodeAddCheckpointRequest(r.value)).toBe(body);
      }),
      { numRuns: 500 },
    );
  });

  it('will not encode a request a witness must refuse', () => {
    expect(() =>
      encodeAddCheckpointRequest({ oldSize: 0, proof: [new Uint8Array(32)], checkpointNote: note }),
    ).toThrow(/proof must be empty/);
  });
});

describe('add-checkpoint answers', () => {
  it('parses the spec example response', () => {
    const r = parseAddCheckpointResponse(SPEC_RESPONSE);
    expect(r.ok && r.value.map((s) => s.name)).toEqual([
      'witness.example/w1',
      'witness.example/w1',
      'witness.example/w2',
    ]);
    expect(parseAddCheckpointResponse('').ok).toBe(false);
    expect(parseAddCheckpointResponse('hello\n')).toEqual({
      ok: false,
      error: 'witness answer: signature line 1 "hello" does not start with an em dash (U+2014) and a space',
    });
  });

  it('encodes and parses the 409 tree size body', () => {
    expect(encodeTreeSizeBody(20852014)).toBe('20852014\n');
    expect(parseTreeSizeBody('20852014\n')).toEqual({ ok: true, value: 20852014 });
    expect(parseTreeSizeBody('20852014').ok).toBe(false);
    expect(parseTreeSizeBody('007\n').ok).toBe(false);
  });
});
