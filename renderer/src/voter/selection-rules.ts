/**
 * The rules of marking one contest (DESIGN §4): at most `maxChoices` options, none at all is a blank
 * vote. Pure, so the ballot screen and its tests share one truth; the backend checks the same rules
 * again when the ballot goes to review (reviewBallot), so this is for the voter's benefit, not the
 * election's safety.
 *
 * With one choice allowed, choosing another option moves the mark (as a radio button would, and as
 * voters expect); with several, a full contest refuses a new mark and says why, rather than silently
 * dropping an earlier choice the voter may not be looking at.
 */
import type { ContestView, Selections } from '../../../main/rpc/api';

export type ToggleOutcome =
  | { readonly kind: 'selected'; readonly chosen: readonly string[] }
  | { readonly kind: 'deselected'; readonly chosen: readonly string[] }
  | { readonly kind: 'replaced'; readonly chosen: readonly string[]; readonly previous: string }
  | { readonly kind: 'at-max'; readonly chosen: readonly string[] };

/** Keeps choices in ballot order, whatever order they were made in. */
function inBallotOrder(contest: ContestView, ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  return contest.options.map((o) => o.id).filter((id) => wanted.has(id));
}

export function toggleOption(
  contest: ContestView,
  chosen: readonly string[],
  optionId: string,
): ToggleOutcome {
  if (!contest.options.some((o) => o.id === optionId)) {
    throw new Error(`option ${optionId} is not in contest ${contest.id}`);
  }
  if (chosen.includes(optionId)) {
    return { kind: 'deselected', chosen: chosen.filter((id) => id !== optionId) };
  }
  if (chosen.length < contest.maxChoices) {
    return { kind: 'selected', chosen: inBallotOrder(contest, [...chosen, optionId]) };
  }
  if (contest.maxChoices === 1 && chosen.length === 1) {
    return { kind: 'replaced', chosen: [optionId], previous: chosen[0]! };
  }
  return { kind: 'at-max', chosen };
}

/** The ballot's choices for every contest of the style, blank contests as empty lists. */
export function completeSelections(contests: readonly ContestView[], selections: Selections): Selections {
  const out: Record<string, readonly string[]> = {};
  for (const contest of contests) {
    const known = new Set(contest.options.map((o) => o.id));
    const chosen = (selections[contest.id] ?? []).filter((id) => known.has(id));
    out[contest.id] = inBallotOrder(contest, chosen).slice(0, contest.maxChoices);
  }
  return out;
}

export type ContestMark = 'blank' | 'under' | 'full';

export function contestMark(contest: ContestView, chosen: readonly string[]): ContestMark {
  if (chosen.length === 0) return 'blank';
  return chosen.length < contest.maxChoices ? 'under' : 'full';
}
