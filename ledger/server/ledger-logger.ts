/**
 * Structured logs of the ledger (CONVENTIONS "Logs"): one JSON line per event, each with a declared id
 * (`ledger.appended`, `witness.cosigned`, …) and a level; never voter data (no voterRefs, trackers or
 * selections: only sizes, indexes, kiosk ids and reasons).
 */
export interface LedgerEvent {
  readonly id: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly [field: string]: unknown;
}

export type LedgerLogger = (event: LedgerEvent) => void;

/** Writes each event as a JSON line with its time. */
export function jsonLinesLogger(stream: NodeJS.WritableStream, clock: () => number = Date.now): LedgerLogger {
  return (event) => {
    stream.write(`${JSON.stringify({ time: new Date(clock()).toISOString(), ...event })}\n`);
  };
}

/** Drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: LedgerLogger = () => {};
