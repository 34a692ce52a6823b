import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../drivers/pkcs11/test-ca';
import { parseElectionPackage } from '../election/parse';
import { formatProblem } from '../election/problems';
import type { CountrySupermajorityRule, ElectionPackage } from '../election/schema';
import { fixturePackage } from '../election/test-fixture';
import {
  countryApproves,
  countrySupermajority,
  majorityWins,
  proposalPasses,
  type CountryCount,
} from './rules';
import { tallyElection, type ContestResult, type TallyBallot } from './tally';

const RULE: CountrySupermajorityRule = {
  kind: 'country-supermajority',
  countryThreshold: { num: 1, den: 2 },
  passThreshold: { num: 7, den: 10 },
  base: 'eligible',
};

function country(i: number, yes: number, eligible: number, cast = eligible): CountryCount {
  return { country: `C${String(i).padStart(2, '0')}`, yes, eligible, cast };
}

describe('country-supermajority rule (DESIGN §4)', () => {
  it("exactly 50 % of a country's eligible voters is not approval; one more is", () => {
    expect(countryApproves(5, 10, RULE.countryThreshold)).toBe(false);
    expect(countryApproves(6, 10, RULE.countryThreshold)).toBe(true);
    expect(countryApproves(50, 101, RULE.countryThreshold)).toBe(false);
    expect(countryApproves(51, 101, RULE.countryThreshold)).toBe(true);
  });

  it('exactly 70 % of countries approving does not pass; more does', () => {
    const seven = Array.from({ length: 10 }, (_, i) => country(i, i < 7 ? 9 : 0, 10));
    const v7 = countrySupermajority(RULE, seven);
    expect(v7).toMatchObject({ approving: 7, countryCount: 10, passed: false });
    const eight = Array.from({ length: 10 }, (_, i) => country(i, i < 8 ? 9 : 0, 10));
    expect(countrySupermajority(RULE, eight)).toMatchObject({ approving: 8, passed: true });
  });

  it('a country with no eligible voter does not approve, and still counts in C', () => {
    const counts = [country(0, 3, 0, 3), country(1, 6, 10), country(2, 6, 10)];
    const v = countrySupermajority(RULE, counts);
    expect(v.countries.map((c) => c.approves)).toEqual([false, true, true]);
    expect(v).toMatchObject({ approving: 2, countryCount: 3 });
    // 2 × 10 > 7 × 3 is false: the empty country keeps the proposal from passing.
    expect(v.passed).toBe(false);
    const byCast = countrySupermajority({ ...RULE, base: 'cast' }, [country(0, 0, 10, 0)]);
    expect(byCast.countries[0]).toMatchObject({ base: 0, approves: false });
  });

  it('the founding case: 112 of 138 countries approve, 112 × 10 > 7 × 138: passes', () => {
    expect(proposalPasses(112, 138, RULE.passThreshold)).toBe(true);
    expect(proposalPasses(96, 138, RULE.passThreshold)).toBe(false); // 960 > 966 is false
    expect(proposalPasses(97, 138, RULE.passThreshold)).toBe(true); // 970 > 966
    const counts = Array.from({ length: 138 }, (_, i) => country(i, i < 112 ? 60 : 40, 100));
    expect(countrySupermajority(RULE, counts)).toMatchObject({
      approving: 112,
      countryCount: 138,
      passed: true,
    });
  });

  it('uses the cast base when the rule says so', () => {
    const v = countrySupermajority({ ...RULE, base: 'cast' }, [country(0, 6, 100, 10)]);
    expect(v.countries[0]).toMatchObject({ base: 10, approves: true });
    expect(countrySupermajority(RULE, [country(0, 6, 100, 10)]).countries[0]!.approves).toBe(false);
  });

  it('stays exact beyond 2^53 (integer arithmetic only)', () => {
    // yes × den = (2^53 - 1)^2 = 2^106 - 2^54 + 1 and num × base = (2^53 - 2) × 2^53 = 2^106 - 2^54:
    // greater by one, which doubles round away (both become 2^106 - 2^54).
    const t = { num: 2 ** 53 - 2, den: 2 ** 53 - 1 };
    expect((2 ** 53 - 1) * t.den > t.num * 2 ** 53).toBe(false);
    expect(countryApproves(2 ** 53 - 1, 2 ** 53, t)).toBe(true);
    expect(countryApproves(2 ** 53 - 2, 2 ** 53, t)).toBe(false);
  });
});

describe('majority rule (DESIGN §4)', () => {
  it('wins only with more than half of the cast ballots: a tie or exactly half wins nothing', () => {
    expect(majorityWins(5, 10)).toBe(false);
    expect(majorityWins(6, 10)).toBe(true);
    expect(majorityWins(5, 9)).toBe(true);
    expect(majorityWins(0, 0)).toBe(false);
  });
});

describe('tallyElection over the fixture package', () => {
  let pkg: ElectionPackage;

  beforeAll(async () => {
    const voters = await createTestCa('Voters CA');
    const officials = await createTestCa('Officials CA');
    const r = parseElectionPackage(
      fixturePackage({ voters: voters.certificatePem, officials: officials.certificatePem }),
    );
    if (!r.ok) throw new Error(r.error.map(formatProblem).join('\n'));
    pkg = r.value.package;
  });

  function contest(results: readonly ContestResult[], id: string): ContestResult {
    return results.find((c) => c.contest === id)!;
  }

  function ballots(n: number, style: string, selections: Record<string, string[]>): TallyBallot[] {
    return Array.from({ length: n }, () => ({ style, selections }));
  }

  it('counts blank votes as cast, breaks down per district, and finds majority winners', () => {
    const all = [
      ...ballots(3, 'fra-par', {
        proposal: ['yes'],
        'fra-national': ['yes'],
        'idf-council': ['a', 'b'],
        'par-budget': ['no'],
      }),
      ...ballots(2, 'fra-par', { proposal: ['no'], 'fra-national': ['no'], 'idf-council': ['a'] }),
      ...ballots(1, 'fra-par', {}),
      ...ballots(2, 'deu', { proposal: ['yes'] }),
      ...ballots(1, 'deu', { proposal: [] }),
    ];
    const r = tallyElection(pkg, all);
    expect(r.ballots).toBe(9);
    const proposal = contest(r.contests, 'proposal');
    expect(proposal).toMatchObject({ cast: 9, blank: 2, votes: { yes: 5, no: 2 } });
    expect(proposal.districts).toEqual([
      { district: 'FRA', cast: 6, blank: 1, votes: { yes: 3, no: 2 } },
      { district: 'DEU', cast: 3, blank: 1, votes: { yes: 2, no: 0 } },
      { district: 'USA', cast: 0, blank: 0, votes: { yes: 0, no: 0 } },
    ]);
    const national = contest(r.contests, 'fra-national');
    // 3 yes of 6 cast (one blank): exactly half, no winner.
    expect(national).toMatchObject({
      cast: 6,
      blank: 1,
      votes: { yes: 3, no: 2 },
      outcome: { kind: 'majority', winners: [] },
    });
    expect(national.districts.map((d) => d.district)).toEqual(['FRA-IDF', 'FRA-IDF-PAR']);
    // Multi-choice: a appears on 5 of 6 ballots, b on 3 of 6.
    const council = contest(r.contests, 'idf-council');
    expect(council).toMatchObject({
      cast: 6,
      blank: 1,
      votes: { a: 5, b: 3, c: 0 },
      outcome: { winners: ['a'] },
    });
    const budget = contest(r.contests, 'par-budget');
    expect(budget).toMatchObject({ cast: 6, blank: 3, votes: { yes: 0, no: 3 }, outcome: { winners: [] } });
  });

  it('applies the supermajority over every country of the package with the sample as eligible base', () => {
    const v = pkg.qualifications.voters;
    if (v.mode !== 'sample') throw new Error('fixture is in sample mode');
    const eligible = (c: string) => v.selected.filter((s) => s.country === c).length;
    // Everyone selected in FRA and DEU votes yes; nobody in USA: 2 of 3 countries approve, 2×10 > 7×3 is false.
    const r = tallyElection(pkg, [
      ...ballots(eligible('FRA'), 'fra-par', { proposal: ['yes'] }),
      ...ballots(eligible('DEU'), 'deu', { proposal: ['yes'] }),
    ]);
    const out = contest(r.contests, 'proposal').outcome;
    expect(out.kind).toBe('country-supermajority');
    if (out.kind !== 'country-supermajority') return;
    expect(out.countries.map((c) => [c.country, c.base, c.approves])).toEqual([
      ['FRA', eligible('FRA'), eligible('FRA') > 0],
      ['DEU', eligible('DEU'), eligible('DEU') > 0],
      ['USA', eligible('USA'), false],
    ]);
    expect(out.countryCount).toBe(3);
    expect(out.passed).toBe(false);
  });

  it('refuses ballots that were not checked against the package', () => {
    expect(() => tallyElection(pkg, [{ style: 'nope', selections: {} }])).toThrow(
      'ballot 1: unknown style "nope"',
    );
    expect(() => tallyElection(pkg, [{ style: 'deu', selections: { 'fra-national': ['yes'] } }])).toThrow(
      'ballot 1: contest "fra-national" is not on style "deu"',
    );
    expect(() => tallyElection(pkg, [{ style: 'deu', selections: { proposal: ['maybe'] } }])).toThrow(
      'ballot 1: contest "proposal" has no option "maybe"',
    );
  });
});
