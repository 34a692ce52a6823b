/**
 * The kiosk database schema, as an ordered list of migrations (DESIGN §2, §3, §9). A migration only
 * ever adds: tables, columns, indexes, rows. None drops or rewrites data (migrate.test.ts refuses any
 * that says DROP, DELETE or RENAME), so an older database opened by newer code keeps everything.
 *
 * Privacy (DESIGN §9): the tables are kept apart so that a check-in can never be joined to a ballot.
 * - `ballots` has no time and no rowid (`WITHOUT ROWID`): its primary key is 16 random bytes, unrelated
 *   to the public tracker inside the leaf, so neither a column nor the B-tree order says when a ballot
 *   was cast or by whom. Its only link is to the batch (`chain.seq`) it was sent in.
 * - `checkins` is keyed by voterRef (public on the log anyway: who voted is public) and shares no
 *   column, id or time with `ballots`; it is also `WITHOUT ROWID`, so its row order is not its
 *   arrival order either.
 * - `chain` holds the kiosk's chained entries (batch manifests and polls events), with no time.
 * Every entry is stored as its exact leaf data, signed once, before its first send (DESIGN §3).
 *
 * Tables are STRICT: a value of the wrong type is an error, not a silent conversion.
 */

export interface Migration {
  /** Schema version this migration brings the database to: 1, 2, 3… without a gap. */
  readonly version: number;
  /** A short stable name, stored with the version: a database whose history differs is refused. */
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly sql: string;
}

/** `PRAGMA application_id` of a kiosk store: ASCII "OGAS". Any other non-zero id is another program's. */
export const STORE_APPLICATION_ID = 0x4f474153;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'kiosk-store',
    sql: `
      -- The one election this kiosk is provisioned for (DESIGN §4, §8). sealed_key: the kiosk's
      -- ML-DSA-65 secret key sealed by the HSM, never in the clear. bundle: the provisioning bundle
      -- (roll salt, credential table), opaque to the store. enrolment: the kiosk-enrolment leaf data.
      CREATE TABLE kiosk_config (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        election_id TEXT NOT NULL CHECK (length(election_id) = 64),
        package BLOB NOT NULL,
        kiosk_id TEXT NOT NULL CHECK (length(kiosk_id) = 64),
        public_key BLOB NOT NULL,
        sealed_key BLOB NOT NULL,
        bundle BLOB,
        enrolment BLOB,
        enrolment_state TEXT CHECK (enrolment_state IN ('pending', 'appended', 'witnessed')),
        enrolment_index INTEGER,
        configured_at TEXT NOT NULL,
        CHECK ((enrolment IS NULL) = (enrolment_state IS NULL))
      ) STRICT;

      -- Check-ins (DESIGN §5), one per voter, sent at once. Those the ledger acknowledged
      -- (appended, witnessed) are the kiosk's local poll book. log_size_before: the size of the
      -- largest checkpoint verified when it was stored: if its answer is lost, it can only be at or
      -- after that index, which is where the kiosk looks for it at close.
      CREATE TABLE checkins (
        voter_ref TEXT PRIMARY KEY CHECK (length(voter_ref) = 64),
        style TEXT NOT NULL,
        leaf BLOB NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('pending', 'appended', 'witnessed', 'refused', 'elsewhere')),
        ledger_index INTEGER,
        refusal TEXT,
        log_size_before INTEGER NOT NULL CHECK (log_size_before >= 0)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX checkins_by_state ON checkins (state, style);

      -- The kiosk chain (DESIGN §5): batch manifests and polls events, seq 1, 2, 3… without a gap.
      CREATE TABLE chain (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('batch', 'polls')),
        event TEXT CHECK (event IN ('open', 'pause', 'resume', 'close')),
        final INTEGER NOT NULL CHECK (final IN (0, 1)),
        count INTEGER NOT NULL CHECK (count >= 0),
        leaf BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('built', 'appended', 'witnessed')),
        ledger_index INTEGER,
        ledger_size INTEGER,
        CHECK ((kind = 'polls') = (event IS NOT NULL)),
        CHECK (kind = 'batch' OR (final = 0 AND count = 0))
      ) STRICT;

      -- Ballots (DESIGN §5, §9): random key, no time, no rowid. batch_seq/batch_pos: the batch it was
      -- assigned to and its place there (the batch root depends on the order), set once.
      CREATE TABLE ballots (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        style TEXT NOT NULL,
        leaf BLOB NOT NULL,
        batch_seq INTEGER REFERENCES chain (seq),
        batch_pos INTEGER,
        CHECK ((batch_seq IS NULL) = (batch_pos IS NULL))
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX ballots_by_batch ON ballots (batch_seq, batch_pos);
      CREATE INDEX ballots_by_style ON ballots (style);

      -- Checkpoints the kiosk verified (DESIGN §6): the largest log-signed one it has seen (every new
      -- one must be consistent with it) and the largest with a witness quorum.
      CREATE TABLE checkpoints (
        kind TEXT PRIMARY KEY CHECK (kind IN ('seen', 'witnessed')),
        size INTEGER NOT NULL CHECK (size >= 1),
        root BLOB NOT NULL CHECK (length(root) = 32),
        note TEXT NOT NULL,
        log_timestamp INTEGER NOT NULL,
        verified_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- PIN failures per card (DESIGN §8), under a keyed hash of the card, erased after a good login.
      CREATE TABLE pin_failures (
        card TEXT PRIMARY KEY,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        locked_until_ms INTEGER
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
