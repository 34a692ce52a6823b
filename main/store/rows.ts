/** Small shared pieces of the store's row classes. */

/**
 * Where a sent entry stands: stored but not yet accepted (`pending` for check-ins and the enrolment,
 * `built` for chained entries), accepted by the log with an answer the kiosk verified (`appended`), or
 * covered by a checkpoint with a witness quorum that is consistent with that answer (`witnessed`).
 */
export type AckState = 'pending' | 'appended' | 'witnessed';

/** A BLOB as a plain Uint8Array (better-sqlite3 returns Buffers, which compare and print differently). */
export function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
