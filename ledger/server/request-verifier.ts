/**
 * Parsing a request on the pool's threads (request-parse.ts parseEntriesRequestOnPool, with the keys
 * of the enrolled kiosks), and the checks of a request that need keys but not the append order
 * (DESIGN §3, §5): the envelope
 * signatures (ML-DSA-65 with the context of each entry's type) on the verify pool's threads, by the key
 * of an enrolled kiosk (or, for an enrolment, the new key inside it), and for an enrolment the official's
 * card: certificate chaining to `trust.officials` with role `official`, valid now, and its signature
 * over the entry. Runs before the request joins the append queue, in parallel with other requests.
 */
import { fromBase64 } from '../../protocol/bytes';
import type { Result } from '../../protocol/result';
import { checkEnrolmentOfficial } from '../../protocol/entries';
import type { LogState } from './log-state';
import { ruleBroken, type Refusal } from './refusal';
import {
  parseEntriesRequestOnPool,
  verifyItems,
  type LedgerRequest,
  type PooledRequest,
} from './request-parse';
import type { VerifyPool } from './verify-pool';

export class RequestVerifier {
  constructor(
    private readonly state: LogState,
    private readonly pool: VerifyPool,
    private readonly clock: () => number,
  ) {}

  /** A POST /v1/entries body, parsed (and, for an enrolled kiosk, its signatures checked) on the pool. */
  parse(body: Uint8Array): Promise<Result<PooledRequest, Refusal>> {
    return parseEntriesRequestOnPool(
      body,
      this.state.ctx,
      this.pool,
      (kiosk) => this.state.kiosks.get(kiosk)?.publicKey,
    );
  }

  /**
   * null when every signature holds; else the refusal naming the first entry at fault. `signatures`:
   * the verdicts the pool gave while parsing, with this kiosk's key (checked again here otherwise).
   */
  async check(req: LedgerRequest, signatures?: readonly boolean[]): Promise<Refusal | null> {
    let publicKey: Uint8Array;
    if (req.kind === 'enrolment') publicKey = fromBase64(req.enrolment.publicKey);
    else {
      const kiosk = this.state.kiosks.get(req.kiosk);
      if (!kiosk) {
        return ruleBroken(
          'kiosk-enrolled',
          `kiosk ${req.kiosk} is not enrolled for this election: send its kiosk-enrolment entry first`,
          'entries[0].entry.kiosk',
        );
      }
      publicKey = kiosk.publicKey;
    }
    if (req.kind === 'enrolment') {
      const official = checkEnrolmentOfficial(
        req.enrolment,
        this.state.ctx.pkg.trust.officials,
        new Date(this.clock()),
      );
      if (!official.ok) {
        return ruleBroken(
          'enrolment-official',
          `kiosk enrolment: ${official.error.message}`,
          'entries[0].entry.official',
        );
      }
    }
    const results =
      signatures !== undefined && req.kind !== 'enrolment' && signatures.length === req.entries.length
        ? signatures
        : await this.pool.verify(verifyItems(req, publicKey));
    const bad = results.indexOf(false);
    if (bad < 0) return null;
    const entry = req.entries[bad]!.envelope.entry;
    return ruleBroken(
      'signature',
      `entries[${bad}]: the ${entry.type} signature of kiosk ${req.kiosk} does not verify (ML-DSA-65, context of "${entry.type}"): altered, or signed for another purpose or by another key`,
      `entries[${bad}].sig`,
    );
  }
}
