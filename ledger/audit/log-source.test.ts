import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './log-source';

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\n', 'é', '{') }), { maxLength: 30 }),
        fc.array(fc.nat(40), { maxLength: 10 }),
        (parts, cuts) => {
          const text = parts.join('');
          const bytes = new TextEncoder().encode(text);
          const splitter = new LineSplitter();
          const lines: string[] = [];
          let at = 0;
          for (const c of [...cuts, bytes.length]) {
            const end = Math.min(bytes.length, at + c);
            for (const l of splitter.push(bytes.subarray(at, end)))
              lines.push(Buffer.from(l).toString('utf8'));
            at = end;
          }
          for (const l of splitter.push(bytes.subarray(at))) lines.push(Buffer.from(l).toString('utf8'));
          const rest = splitter.end();
          const expected = text.split('\n');
          const last = expected.pop()!;
          expect(lines).toEqual(expected);
          expect(rest === undefined ? '' : Buffer.from(rest).toString('utf8')).toBe(last);
        },
      ),
      { numRuns: 300 },
    );
  });
});
