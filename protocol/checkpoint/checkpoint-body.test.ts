import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../bytes';
import { checkpoint, encodeCheckpointBody, parseCheckpointBody } from './checkpoint-body';
import { noteTextProblem } from './text-rules';

const ROOT_B64 = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
// The example of C2SP tlog-checkpoint.
const BAD_ROOT_QUOTED = `"${ROOT_B64.slice(0, 40)}…"`;
const EXAMPLE = `example.com/behind-the-sofa\n20852163\n${ROOT_B64}\n`;

const origin = fc
  .string({ minLength: 1, maxLength: 60, unit: 'grapheme' })
  .filter((s) => noteTextProblem(s) === null && !s.includes('\n'));

describe('checkpoint body (C2SP tlog-checkpoint "Note text")', () => {
  it('parses the spec example', () => {
    const cp = parseCheckpointBody(EXAMPLE);
    expect(cp.ok && cp.value.origin).toBe('example.com/behind-the-sofa');
    expect(cp.ok && cp.value.size).toBe(20852163);
    expect(cp.ok && toBase64(cp.value.root)).toBe(ROOT_B64);
    expect(cp.ok && encodeCheckpointBody(cp.value)).toBe(EXAMPLE);
  });

  it('round-trips any checkpoint, extension lines included', () => {
    fc.assert(
      fc.property(
        origin,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(origin, { maxLength: 3 }),
        (o, size, root, extensions) => {
          const text = encodeCheckpointBody({ origin: o, size, root, extensions });
          const back = parseCheckpointBody(text);
          expect(back.ok).toBe(true);
          if (back.ok) {
            expect(back.value).toEqual({ origin: o, size, root, extensions });
            expect(encodeCheckpointBody(back.value)).toBe(text);
          }
        },
      ),
    );
  });

  it.each([
    ['', 'checkpoint text must end with a newline'],
    [`o\n1\n${ROOT_B64}`, 'checkpoint text must end with a newline'],
    ['o\n1\n', 'checkpoint has 2 lines; it needs origin, size and root'],
    [`\n1\n${ROOT_B64}\n`, 'checkpoint line 1 (origin) is empty'],
    [`o\n01\n${ROOT_B64}\n`, 'checkpoint line 2 (size) "01" is not a decimal number without leading zeroes'],
    [`o\n-1\n${ROOT_B64}\n`, 'checkpoint line 2 (size) "-1" is not a decimal number without leading zeroes'],
    [`o\n 1\n${ROOT_B64}\n`, 'checkpoint line 2 (size) " 1" is not a decimal number without leading zeroes'],
    [`o\n18446744073709551615\n${ROOT_B64}\n`, 'checkpoint line 2 (size) 18446744073709551615 is too large'],
    ['o\n1\nAAAA\n', 'checkpoint line 3 (root) is 3 bytes, not 32'],
    [
      `o\n1\n${ROOT_B64.slice(0, -1)}\n`,
      `checkpoint line 3 (root) ${BAD_ROOT_QUOTED} is not canonical standard base64`,
    ],
    [
      `o\n1\n${ROOT_B64.slice(0, -2)}J=\n`,
      `checkpoint line 3 (root) ${BAD_ROOT_QUOTED} is not canonical standard base64`,
    ],
    [`o\n1\n${ROOT_B64}\next\n\n`, 'checkpoint line 5 (extension) is empty'],
    [`o\r\n1\n${ROOT_B64}\n`, 'checkpoint contains the control character U+000d (only newline is allowed)'],
    [`o\ud800\n1\n${ROOT_B64}\n`, 'checkpoint is not valid UTF-8 (lone surrogate)'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseCheckpointBody(text)).toEqual({ ok: false, error: message });
  });

  it('never throws on mutated input, and accepts only what re-encodes identically', () => {
    fc.assert(
      fc.property(
        fc.nat(EXAMPLE.length),
        fc.nat(EXAMPLE.length),
        fc.string({ maxLength: 4 }),
        (at, del, ins) => {
          const text = EXAMPLE.slice(0, at) + ins + EXAMPLE.slice(at + (del % 4));
          const parsed = parseCheckpointBody(text);
          if (parsed.ok) expect(encodeCheckpointBody(parsed.value)).toBe(text);
          else expect(parsed.error).toMatch(/^checkpoint /);
        },
      ),
    );
  });

  it('will not encode a checkpoint no one could parse', () => {
    expect(() => encodeCheckpointBody(checkpoint('a\nb', 1, new Uint8Array(32)))).toThrow(/cannot encode/);
    expect(() => encodeCheckpointBody(checkpoint('o', 1, new Uint8Array(31)))).toThrow(/31 bytes/);
  });
});
