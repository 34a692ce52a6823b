/**
 * Entries checked against the election package (DESIGN §4–§5): the right election, a known ballot
 * style, and a ballot whose selections the style allows. A contest of the style left out of
 * `selections`, or given an empty list, is a blank vote (DESIGN §4 counting rules).
 */
import type { LoadedElection } from '../election/parse';
import { contestsById, stylesById } from '../election/lookups';
import type { ElectionPackage } from '../election/schema';
import { err, ok, type Result } from '../result';
import type { BallotEntry, Entry } from './schemas';

/** Ballot selections against the package; every problem is named with its contest. */
export function checkBallotSelections(ballot: BallotEntry, pkg: ElectionPackage): Result<true, string[]> {
  const style = stylesById(pkg).get(ballot.style);
  if (style === undefined) return err([`style: no ballot style "${ballot.style}" in the election package`]);
  const contests = contestsById(pkg);
  const problems: string[] = [];
  for (const [contestId, choices] of Object.entries(ballot.selections)) {
    const at = `selections.${contestId}`;
    const contest = contests.get(contestId);
    if (contest === undefined || !style.contests.includes(contestId)) {
      problems.push(`${at}: contest "${contestId}" is not on ballot style "${ballot.style}"`);
      continue;
    }
    const options = new Set(contest.options.map((o) => o.id));
    const seen = new Set<string>();
    for (const [i, choice] of choices.entries()) {
      if (!options.has(choice))
        problems.push(`${at}[${i}]: contest "${contestId}" has no option "${choice}"`);
      if (seen.has(choice)) problems.push(`${at}[${i}]: option "${choice}" is chosen twice`);
      seen.add(choice);
    }
    if (choices.length > contest.maxChoices) {
      problems.push(`${at}: ${choices.length} options chosen, at most ${contest.maxChoices} allowed`);
    }
  }
  return problems.length > 0 ? err(problems) : ok(true);
}

/** What can be checked of any entry with the package alone (the ledger adds roll, window and state). */
export function checkEntryAgainstElection(entry: Entry, election: LoadedElection): Result<true, string[]> {
  if (entry.election !== election.electionId) {
    return err([`election: ${entry.election} is not this election (${election.electionId})`]);
  }
  switch (entry.type) {
    case 'checkin':
      return stylesById(election.package).has(entry.style)
        ? ok(true)
        : err([`style: no ballot style "${entry.style}" in the election package`]);
    case 'ballot':
      return checkBallotSelections(entry, election.package);
    case 'batch':
      // DESIGN §6: one request holds at most maxBatch entries, the manifest and its ballots.
      return entry.count + 1 > election.package.limits.maxBatch
        ? err([
            `count: ${entry.count} ballots and their manifest exceed limits.maxBatch (${election.package.limits.maxBatch} entries a request)`,
          ])
        : ok(true);
    case 'polls':
    case 'kiosk-enrolment':
      return ok(true);
  }
}
