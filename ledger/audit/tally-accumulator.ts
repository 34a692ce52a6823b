/**
 * The recount (DESIGN §4 counting rules) without keeping ballots: ballots are counted as they stream
 * by, grouped by style and selections (option order within a contest does not change a count, and an
 * empty list is a blank vote like a missing contest). At the end, protocol/tally counts the groups, each
 * as many times as it occurred, so the normative counting code is the one that decides.
 *
 * Memory is one record per distinct (style, selections) pair: bounded by what a ballot can say, not by
 * the number of ballots.
 */
import type { ElectionPackage } from '../../protocol/election';
import type { BallotEntry } from '../../protocol/entries';
import { canonicalJson } from '../../protocol/jcs';
import { tallyElection, type ElectionResult, type TallyBallot } from '../../protocol/tally';

export class TallyAccumulator {
  private readonly groups = new Map<string, { ballot: TallyBallot; n: number }>();
  private total = 0;

  add(ballot: Pick<BallotEntry, 'style' | 'selections'>): void {
    const selections: Record<string, string[]> = {};
    for (const contest of Object.keys(ballot.selections).sort()) {
      const choices = ballot.selections[contest]!;
      if (choices.length > 0) selections[contest] = [...choices].sort();
    }
    const key = `${ballot.style}\n${canonicalJson(selections)}`;
    const group = this.groups.get(key);
    if (group) group.n++;
    else this.groups.set(key, { ballot: { style: ballot.style, selections }, n: 1 });
    this.total++;
  }

  get ballots(): number {
    return this.total;
  }

  get distinct(): number {
    return this.groups.size;
  }

  result(pkg: ElectionPackage): ElectionResult {
    const groups = [...this.groups.values()];
    function* each(): Generator<TallyBallot> {
      for (const g of groups) for (let i = 0; i < g.n; i++) yield g.ballot;
    }
    return tallyElection(pkg, each());
  }
}
