import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import {
  encodeSignatureLine,
  encodeSignedNote,
  MAX_NOTE_SIGNATURES,
  parseSignatureLines,
  parseSignedNote,
  withSignatures,
} from './signed-note';

// The examples of C2SP signed-note and tlog-cosignature (Ed25519 signatures: unknown keys to us).
const POEM =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
  '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
const COSIGNED =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

describe('signed note (C2SP signed-note "Format")', () => {
  it('splits the spec example at the last blank line', () => {
    const note = parseSignedNote(POEM);
    if (!note.ok) throw new Error(note.error);
    expect(note.value.text).toBe(
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n',
    );
    expect(note.value.signatures.map((s) => s.name)).toEqual(['quasimodo.example/salvatore']);
    expect(note.value.signatures[0]!.signature.length).toBe(64);
    expect(encodeSignedNote(note.value)).toBe(POEM);
  });

  it('keeps every signature line, known or not, in order', () => {
    const note = parseSignedNote(COSIGNED);
    if (!note.ok) throw new Error(note.error);
    expect(note.value.signatures.map((s) => `${s.name}+${toHex(s.keyId)}`)).toEqual([
      'example.com/behind-the-sofa+033de0ae',
      'witness.example.com/w1+8d66cf3f',
    ]);
    expect(encodeSignedNote(note.value)).toBe(COSIGNED);
  });

  it.each([
    ['no blank line\n', 'note has no blank line before its signatures'],
    ['text\n\n', 'there are no signature lines'],
    ['text\n\n\u2014 a AAAAAAAA', 'the last signature line does not end with a newline'],
    [
      'text\n\n- a AAAAAAAA\n',
      'signature line 1 "- a AAAAAAAA" does not start with an em dash (U+2014) and a space',
    ],
    ['text\n\n\u2014 AAAAAAAA\n', 'signature line 1 has no space between key name and signature'],
    ['text\n\n\u2014 a+b AAAAAAAA\n', 'signature line 1 key name "a+b" is empty or contains a space or plus'],
    ['text\n\n\u2014  AAAAAAAA\n', 'signature line 1 key name "" is empty or contains a space or plus'],
    ['text\n\n\u2014 a AAAA\n', 'signature line 1 (a) signature is 3 bytes; it needs a key ID and more'],
    ['text\n\n\u2014 a AAAAAAAA \n', 'signature line 1 (a) signature is not canonical standard base64'],
    ['text\n\n\u2014 a AAAAAAB=\n', 'signature line 1 (a) signature is not canonical standard base64'],
    ['text\n\n\u2014 a AAAAAAAA\n\n', 'there are no signature lines'],
    [
      'text\n\n\u2014 a AAAAAAAA\n\u2014 b AAAAAAAA\nx\n',
      'signature line 3 "x" does not start with an em dash (U+2014) and a space',
    ],
    ['te\txt\n\n\u2014 a AAAAAAAA\n', 'note contains the control character U+0009 (only newline is allowed)'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseSignedNote(text)).toEqual({ ok: false, error: message });
  });

  it('refuses more signature lines than it accepts', () => {
    const line = '\u2014 a AAAAAAAA\n';
    expect(parseSignatureLines(line.repeat(MAX_NOTE_SIGNATURES)).ok).toBe(true);
    expect(parseSignatureLines(line.repeat(MAX_NOTE_SIGNATURES + 1)).ok).toBe(false);
  });

  it('never throws on mutated notes; what it accepts re-encodes identically', () => {
    fc.assert(
      fc.property(fc.nat(COSIGNED.length), fc.nat(8), fc.string({ maxLength: 3 }), (at, del, ins) => {
        const text = COSIGNED.slice(0, at) + ins + COSIGNED.slice(at + del);
        const parsed = parseSignedNote(text);
        if (parsed.ok) expect(encodeSignedNote(parsed.value)).toBe(text);
        else expect(parsed.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 500 },
    );
  });

  it('merges signatures without duplicates', () => {
    const a = parseSignedNote(COSIGNED);
    const b = parseSignatureLines(POEM.slice(POEM.lastIndexOf('\n\n') + 2));
    if (!a.ok || !b.ok) throw new Error('fixtures');
    const merged = withSignatures(a.value, [...a.value.signatures, ...b.value, ...b.value]);
    expect(merged.signatures.length).toBe(3);
    expect(encodeSignedNote(merged)).toBe(COSIGNED + encodeSignatureLine(b.value[0]!));
  });
});
