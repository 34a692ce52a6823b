/**
 * The tally (DESIGN §4 counting rules) over ballots already checked against the package
 * (protocol/entries checkBallotSelections): per contest, the cast ballots (those whose style includes
 * the contest), blank votes, votes per option, the outcome by the contest's rule, and per-district
 * breakdowns (per country for global contests, per district below the scope otherwise).
 */
import { countryIds, districtsById, stylesById } from '../election/lookups';
import type { Contest, ElectionPackage } from '../election/schema';
import { countrySupermajority, majorityWins, type SupermajorityVerdict } from './rules';

/** The part of a ballot the tally reads. */
export interface TallyBallot {
  readonly style: string;
  readonly selections: Readonly<Record<string, readonly string[]>>;
}

export interface VoteCounts {
  readonly cast: number;
  readonly blank: number;
  /** Votes per option id, in the package's option order. */
  readonly votes: Readonly<Record<string, number>>;
}

export interface DistrictCounts extends VoteCounts {
  readonly district: string;
}

export type ContestOutcome =
  | { readonly kind: 'majority'; readonly winners: readonly string[] }
  | ({ readonly kind: 'country-supermajority' } & SupermajorityVerdict);

export interface ContestResult extends VoteCounts {
  readonly contest: string;
  readonly scope: string;
  readonly outcome: ContestOutcome;
  readonly districts: readonly DistrictCounts[];
}

export interface ElectionResult {
  readonly ballots: number;
  readonly contests: readonly ContestResult[];
}

class Counter {
  cast = 0;
  blank = 0;
  readonly votes: Record<string, number>;
  constructor(contest: Contest) {
    this.votes = Object.fromEntries(contest.options.map((o) => [o.id, 0]));
  }
  add(choices: readonly string[] | undefined): void {
    this.cast++;
    if (choices === undefined || choices.length === 0) {
      this.blank++;
      return;
    }
    for (const choice of choices) this.votes[choice]! += 1;
  }
  counts(): VoteCounts {
    return { cast: this.cast, blank: this.blank, votes: { ...this.votes } };
  }
}

/** Districts a contest is broken down by: every country for a global contest, else those below its scope. */
function breakdownDistricts(pkg: ElectionPackage, contest: Contest): string[] {
  if (contest.scope === 'global') return countryIds(pkg);
  const byId = districtsById(pkg);
  const below = (id: string): boolean => {
    for (let d = byId.get(id); d?.parent != null; d = byId.get(d.parent))
      if (d.parent === contest.scope) return true;
    return false;
  };
  return pkg.districts.filter((d) => below(d.id)).map((d) => d.id);
}

function eligibleByCountry(pkg: ElectionPackage): Map<string, number> {
  const v = pkg.qualifications.voters;
  if (v.mode === 'roll') return new Map(Object.entries(v.eligibleByCountry));
  const out = new Map<string, number>();
  for (const s of v.selected) out.set(s.country, (out.get(s.country) ?? 0) + 1);
  return out;
}

/**
 * Counts every contest. A ballot of an unknown style, or choosing an option that does not exist, is a
 * caller bug (ballots are checked before they are counted): throws, naming it.
 */
export function tallyElection(pkg: ElectionPackage, ballots: Iterable<TallyBallot>): ElectionResult {
  const styles = stylesById(pkg);
  const optionSets = new Map(pkg.contests.map((c) => [c.id, new Set(c.options.map((o) => o.id))]));
  const totals = new Map(pkg.contests.map((c) => [c.id, new Counter(c)]));
  const perDistrict = new Map(
    pkg.contests.map((c) => [c.id, new Map(breakdownDistricts(pkg, c).map((d) => [d, new Counter(c)]))]),
  );
  let n = 0;
  for (const ballot of ballots) {
    n++;
    const style = styles.get(ballot.style);
    if (style === undefined)
      throw new TypeError(`ballot ${n}: unknown style "${ballot.style}" (check ballots before counting)`);
    for (const contestId of Object.keys(ballot.selections)) {
      if (!style.contests.includes(contestId))
        throw new TypeError(`ballot ${n}: contest "${contestId}" is not on style "${style.id}"`);
    }
    for (const contestId of style.contests) {
      const choices = ballot.selections[contestId];
      const options = optionSets.get(contestId)!;
      for (const choice of choices ?? []) {
        if (!options.has(choice))
          throw new TypeError(`ballot ${n}: contest "${contestId}" has no option "${choice}"`);
      }
      totals.get(contestId)!.add(choices);
      const breakdown = perDistrict.get(contestId)!;
      for (const d of style.districts) breakdown.get(d)?.add(choices);
    }
  }
  const eligible = eligibleByCountry(pkg);
  const results = pkg.contests.map((contest): ContestResult => {
    const total = totals.get(contest.id)!.counts();
    const districts = [...perDistrict.get(contest.id)!].map(([district, c]) => ({ district, ...c.counts() }));
    return {
      contest: contest.id,
      scope: contest.scope,
      ...total,
      outcome: outcome(pkg, contest, total, districts, eligible),
      districts,
    };
  });
  return { ballots: n, contests: results };
}

function outcome(
  pkg: ElectionPackage,
  contest: Contest,
  total: VoteCounts,
  districts: readonly DistrictCounts[],
  eligible: Map<string, number>,
): ContestOutcome {
  const rule = contest.rule;
  if (rule.kind === 'majority') {
    return {
      kind: 'majority',
      winners: contest.options.filter((o) => majorityWins(total.votes[o.id]!, total.cast)).map((o) => o.id),
    };
  }
  // DESIGN §4: C counts every country district of the package, whether or not it cast a ballot.
  const byCountry = new Map(districts.map((d) => [d.district, d]));
  const counts = countryIds(pkg).map((country) => ({
    country,
    cast: byCountry.get(country)?.cast ?? 0,
    yes: byCountry.get(country)?.votes.yes ?? 0,
    eligible: eligible.get(country) ?? 0,
  }));
  return { kind: 'country-supermajority', ...countrySupermajority(rule, counts) };
}
