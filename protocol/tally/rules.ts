/**
 * The counting rules of DESIGN §4 (normative), integer arithmetic only. Products are taken in BigInt
 * so that no comparison can lose precision, whatever the counts and thresholds.
 */
import type { Fraction } from '../election/primitives';
import type { CountrySupermajorityRule } from '../election/schema';

/** `{kind: "majority"}`: an option wins when 2 × votes > cast; none wins otherwise (ties included). */
export function majorityWins(votes: number, cast: number): boolean {
  return 2n * BigInt(votes) > BigInt(cast);
}

/** A country approves when yes × den > num × base; a country with base 0 does not approve. */
export function countryApproves(yes: number, base: number, threshold: Fraction): boolean {
  if (base === 0) return false;
  return BigInt(yes) * BigInt(threshold.den) > BigInt(threshold.num) * BigInt(base);
}

/** The proposal passes when approving × den > num × C (C = country districts in the package). */
export function proposalPasses(approving: number, countries: number, threshold: Fraction): boolean {
  return BigInt(approving) * BigInt(threshold.den) > BigInt(threshold.num) * BigInt(countries);
}

export interface CountryCount {
  readonly country: string;
  /** Ballots with the contest from this country (the style's country). */
  readonly cast: number;
  readonly yes: number;
  /** Eligible voters of this country: `selected` entries (sample mode) or eligibleByCountry (roll mode). */
  readonly eligible: number;
}

export interface CountryVerdict extends CountryCount {
  /** The base the threshold applies to (eligible or cast, by the rule). */
  readonly base: number;
  readonly approves: boolean;
}

export interface SupermajorityVerdict {
  readonly countries: readonly CountryVerdict[];
  readonly approving: number;
  /** C: the number of country districts in the package. */
  readonly countryCount: number;
  readonly passed: boolean;
}

/** Applies a country-supermajority rule to the counts of every country district of the package. */
export function countrySupermajority(
  rule: CountrySupermajorityRule,
  counts: readonly CountryCount[],
): SupermajorityVerdict {
  const countries = counts.map((c) => {
    const base = rule.base === 'eligible' ? c.eligible : c.cast;
    return { ...c, base, approves: countryApproves(c.yes, base, rule.countryThreshold) };
  });
  const approving = countries.filter((c) => c.approves).length;
  return {
    countries,
    approving,
    countryCount: counts.length,
    passed: proposalPasses(approving, counts.length, rule.passThreshold),
  };
}
