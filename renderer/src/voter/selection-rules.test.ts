import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContestView } from '../../../main/rpc/api';
import { BALLOT } from '../test-support/fixtures';
import { completeSelections, contestMark, toggleOption } from './selection-rules';

const SINGLE = BALLOT.contests[0]!;
const DOUBLE = BALLOT.contests[1]!;

describe('toggleOption (DESIGN §4 maxChoices, blank allowed)', () => {
  it.each<[string, ContestView, string[], string, string, string[]]>([
    ['select into an empty contest', DOUBLE, [], 'c2', 'selected', ['c2']],
    ['keeps ballot order', DOUBLE, ['c3'], 'c1', 'selected', ['c1', 'c3']],
    ['deselect', DOUBLE, ['c1', 'c3'], 'c1', 'deselected', ['c3']],
    ['refuses past the maximum', DOUBLE, ['c1', 'c2'], 'c3', 'at-max', ['c1', 'c2']],
    ['moves the mark in a one-choice contest', SINGLE, ['yes'], 'no', 'replaced', ['no']],
    ['deselect the only choice: blank', SINGLE, ['no'], 'no', 'deselected', []],
  ])('%s', (_name, contest, chosen, option, kind, after) => {
    const outcome = toggleOption(contest, chosen, option);
    expect(outcome.kind).toBe(kind);
    expect(outcome.chosen).toEqual(after);
  });

  it('throws on an option of another contest (a bug, not a voter error)', () => {
    expect(() => toggleOption(SINGLE, [], 'c1')).toThrow(/not in contest/);
  });

  it('never exceeds maxChoices nor repeats an option, whatever the voter presses', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('c1', 'c2', 'c3'), { maxLength: 40 }), (presses) => {
        let chosen: readonly string[] = [];
        for (const option of presses) chosen = toggleOption(DOUBLE, chosen, option).chosen;
        expect(chosen.length).toBeLessThanOrEqual(DOUBLE.maxChoices);
        expect(new Set(chosen).size).toBe(chosen.length);
      }),
    );
  });
});

describe('completeSelections', () => {
  it('lists every contest (blank as []), drops unknown options, caps at maxChoices', () => {
    expect(completeSelections(BALLOT.contests, { council: ['c3', 'zz', 'c1', 'c2'], other: ['x'] })).toEqual({
      charter: [],
      council: ['c1', 'c2'],
    });
  });
});

describe('contestMark', () => {
  it('says blank, under or full', () => {
    expect(contestMark(DOUBLE, [])).toBe('blank');
    expect(contestMark(DOUBLE, ['c1'])).toBe('under');
    expect(contestMark(DOUBLE, ['c1', 'c2'])).toBe('full');
  });
});
