/**
 * The demo's election package (DESIGN §4) from its parts: the world's districts, contests and styles,
 * the sample drawn from the roll, the ledger's keys and the test CAs. Unsigned; build-demo.ts signs it.
 */
import { toHex } from '../../protocol/bytes';
import { encodeVkey } from '../../protocol/checkpoint/vkey';
import type { ElectionPackageInput } from '../../protocol/election/schema';
import type { MlDsaKeyPair } from '../../protocol/ml-dsa';
import type { RollRecord } from '../../protocol/voters/roll';
import {
  DEMO_COUNTRIES,
  DEMO_LANGUAGES,
  DEMO_TITLE,
  demoBallotStyles,
  demoContests,
  demoDistricts,
} from './world';

export interface PackageParts {
  readonly opens: Date;
  readonly closes: Date;
  readonly rollRoot: string;
  readonly rollCount: number;
  readonly k: number;
  readonly secrets: readonly Uint8Array[];
  readonly commits: readonly string[];
  readonly selected: readonly RollRecord[];
  readonly origin: string;
  readonly ledgerUrl: string;
  readonly logKey: MlDsaKeyPair;
  readonly witnesses: readonly { readonly name: string; readonly keys: MlDsaKeyPair }[];
  readonly quorum: number;
  readonly minBatch: number;
  readonly votersCaPem: string;
  readonly officialsCaPem: string;
}

/** RFC 3339 in UTC without fractional seconds (e.g. 2030-05-01T08:00:00Z). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildDemoPackage(parts: PackageParts): ElectionPackageInput {
  return {
    v: 1,
    title: DEMO_TITLE,
    languages: [...DEMO_LANGUAGES],
    round: 1,
    window: { opens: rfc3339(parts.opens), closes: rfc3339(parts.closes), drainHours: 24 },
    districts: demoDistricts(),
    contests: demoContests(),
    ballotStyles: demoBallotStyles(),
    qualifications: {
      minAge: 18,
      nationalities: DEMO_COUNTRIES.map((c) => c.id),
      voters: {
        mode: 'sample',
        k: parts.k,
        rollRoot: parts.rollRoot,
        rollCount: parts.rollCount,
        commits: [...parts.commits],
        reveals: parts.secrets.map(toHex),
        selected: [...parts.selected],
      },
    },
    ledger: {
      origin: parts.origin,
      url: parts.ledgerUrl,
      logKey: encodeVkey(parts.origin, parts.logKey.publicKey),
      witnesses: parts.witnesses.map((w) => ({ name: w.name, key: encodeVkey(w.name, w.keys.publicKey) })),
      quorum: parts.quorum,
    },
    privacy: { minBatch: parts.minBatch },
    limits: { maxBatch: 1000 },
    trust: { voters: [parts.votersCaPem], officials: [parts.officialsCaPem] },
    signatures: [],
  };
}
