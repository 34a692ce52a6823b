/**
 * The kiosk's configuration (DESIGN §4, §8): the one election it is provisioned for, its key (public,
 * and the secret sealed by the HSM), the provisioning bundle, and its enrolment entry, signed once and
 * stored before it is first sent (DESIGN §3).
 */
import type Database from 'better-sqlite3';
import { err, ok, type Result } from '../../protocol/result';
import { asBytes, type AckState } from './rows';

export interface KioskConfig {
  readonly electionId: string;
  /** The election package's bytes as loaded (entry 0 of the log is their JCS). */
  readonly packageBytes: Uint8Array;
  readonly kioskId: string;
  /** ML-DSA-65 public key, raw 1952 bytes. */
  readonly publicKey: Uint8Array;
  /** The secret key sealed by the HSM (AES-256-GCM under a non-extractable key): opaque here. */
  readonly sealedKey: Uint8Array;
  /** The provisioning bundle (roll salt, credential table): opaque here. */
  readonly bundle: Uint8Array | undefined;
  readonly enrolment: StoredEnrolment | undefined;
  readonly configuredAt: string;
}

export interface StoredEnrolment {
  /** The kiosk-enrolment leaf data, exactly as signed. */
  readonly leaf: Uint8Array;
  readonly state: AckState;
  readonly ledgerIndex: number | undefined;
}

export type NewKioskConfig = Omit<KioskConfig, 'enrolment' | 'configuredAt' | 'bundle'> & {
  readonly bundle?: Uint8Array;
};

interface Row {
  election_id: string;
  package: Buffer;
  kiosk_id: string;
  public_key: Buffer;
  sealed_key: Buffer;
  bundle: Buffer | null;
  enrolment: Buffer | null;
  enrolment_state: AckState | null;
  enrolment_index: number | null;
  configured_at: string;
}

export class KioskConfigRows {
  private readonly select: Database.Statement<[], Row>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.select = db.prepare('SELECT * FROM kiosk_config WHERE singleton = 1');
  }

  get(): KioskConfig | undefined {
    const r = this.select.get();
    if (!r) return undefined;
    return {
      electionId: r.election_id,
      packageBytes: asBytes(r.package),
      kioskId: r.kiosk_id,
      publicKey: asBytes(r.public_key),
      sealedKey: asBytes(r.sealed_key),
      bundle: r.bundle ? asBytes(r.bundle) : undefined,
      enrolment:
        r.enrolment && r.enrolment_state
          ? {
              leaf: asBytes(r.enrolment),
              state: r.enrolment_state,
              ledgerIndex: r.enrolment_index ?? undefined,
            }
          : undefined,
      configuredAt: r.configured_at,
    };
  }

  /** Provisions the kiosk; refused when it already is (unconfigure first). */
  configure(c: NewKioskConfig): Result<KioskConfig, string> {
    const existing = this.get();
    if (existing) {
      return err(
        `this kiosk is already provisioned for election ${existing.electionId} (kiosk ${existing.kioskId}): unconfigure it first`,
      );
    }
    this.db
      .prepare(
        `INSERT INTO kiosk_config
           (singleton, election_id, package, kiosk_id, public_key, sealed_key, bundle, configured_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.electionId,
        c.packageBytes,
        c.kioskId,
        c.publicKey,
        c.sealedKey,
        c.bundle ?? null,
        this.now().toISOString(),
      );
    return ok(this.get()!);
  }

  /** Replaces the provisioning bundle (e.g. an updated credential table before polls open). */
  setBundle(bundle: Uint8Array): void {
    this.requireConfigured();
    this.db.prepare('UPDATE kiosk_config SET bundle = ? WHERE singleton = 1').run(bundle);
  }

  /**
   * Stores the enrolment leaf data, once (DESIGN §3: signed once, the same bytes on every send).
   * A second, different enrolment is refused; the same bytes again are accepted (a retried step).
   */
  saveEnrolment(leaf: Uint8Array): Result<StoredEnrolment, string> {
    const c = this.requireConfigured();
    if (c.enrolment) {
      return Buffer.from(c.enrolment.leaf).equals(Buffer.from(leaf))
        ? ok(c.enrolment)
        : err('this kiosk already has a signed enrolment entry; it is resent as it is, never replaced');
    }
    this.db
      .prepare(`UPDATE kiosk_config SET enrolment = ?, enrolment_state = 'pending' WHERE singleton = 1`)
      .run(leaf);
    return ok(this.get()!.enrolment!);
  }

  markEnrolment(state: 'appended' | 'witnessed', ledgerIndex: number): void {
    this.db
      .prepare(
        `UPDATE kiosk_config SET enrolment_state = ?, enrolment_index = ?
         WHERE singleton = 1 AND enrolment IS NOT NULL`,
      )
      .run(state, ledgerIndex);
  }

  /** Marks the enrolment witnessed when a witnessed tree of `size` covers it. */
  markEnrolmentWitnessedBelow(size: number): number {
    return this.db
      .prepare(
        `UPDATE kiosk_config SET enrolment_state = 'witnessed'
         WHERE singleton = 1 AND enrolment_state = 'appended' AND enrolment_index < ?`,
      )
      .run(size).changes;
  }

  private requireConfigured(): KioskConfig {
    const c = this.get();
    if (!c) throw new Error('the kiosk is not provisioned (no kiosk_config row)');
    return c;
  }
}
