/**
 * `GET /v1/tally` (DESIGN §4 counting rules, §6): the count of every ballot on the log, by
 * protocol/tally. It is served only after closes + drainHours, when no ballot can be appended any
 * more, so it is computed once per tree size and kept.
 */
import { parseLeafData, type BallotEntry } from '../../protocol/entries';
import { tallyElection, type ElectionResult, type TallyBallot } from '../../protocol/tally';
import { MAX_READ } from './http-api';
import type { LogState } from './log-state';

export class LedgerTally {
  private cached: { size: number; result: Promise<ElectionResult> } | undefined;

  constructor(private readonly state: LogState) {}

  result(): Promise<ElectionResult> {
    const size = this.state.size;
    if (this.cached?.size !== size) {
      const result = this.compute(size);
      this.cached = { size, result };
      result.catch(() => (this.cached = undefined));
    }
    return this.cached.result;
  }

  private async compute(size: number): Promise<ElectionResult> {
    const ballots: TallyBallot[] = [];
    // Entry 0 is the package; every other leaf was checked before it was appended.
    for (let start = 1; start < size; start += MAX_READ) {
      const page = await this.state.storage.leafData(start, Math.min(size, start + MAX_READ));
      page.forEach((data, i) => {
        const parsed = parseLeafData(data);
        if (!parsed.ok)
          throw new Error(`leaf ${start + i} of the stored log does not parse: damaged database`);
        if (parsed.value.entry.type !== 'ballot') return;
        const b: BallotEntry = parsed.value.entry;
        ballots.push({ style: b.style, selections: b.selections });
      });
    }
    return tallyElection(this.state.ctx.pkg, ballots);
  }
}
