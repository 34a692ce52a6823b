/**
 * The election package (DESIGN §4, normative), as a CLOSED zod schema: every object is strict, so a
 * field not listed in §4 is refused, never ignored. Defaults (drainHours 24, minBatch 20, maxBatch
 * 1000) are filled in by the parser; signatures and the electionId are always computed over the JSON
 * as given (see election-id.ts), so a default never changes what was signed.
 *
 * What zod cannot say (cross-references, languages, sort orders) is in semantic-checks.ts.
 */
import { z } from 'zod';
import { RollRecordSchema } from '../voters/roll';
import {
  alpha3,
  base64,
  bcp47,
  count,
  fraction,
  hex32,
  humanString,
  identifier,
  nonEmptyString,
  pemCertificate,
  positiveInt,
  rfc3339,
  says,
} from './primitives';

export const ElectionIdSchema = hex32.brand<'ElectionId'>();
/** Hex SHA-256 of the JCS of the package without `signatures` (DESIGN §4). */
export type ElectionId = z.infer<typeof ElectionIdSchema>;

const VKEY_MESSAGE = 'must be a C2SP vkey: name+hex key id (8)+base64 key';
/** C2SP signed-note verifier key `name+hex(keyID)+base64(type ‖ key)`; its content is a semantic check. */
export const vkeyString = z
  .string(says(VKEY_MESSAGE))
  .regex(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+={0,2}$/, says(VKEY_MESSAGE));

function array<T extends z.ZodType>(item: T) {
  return z.array(item, says('must be an array'));
}

function object<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, says(`must be an object ${what}`));
}

export const WindowSchema = object(
  { opens: rfc3339, closes: rfc3339, drainHours: count.default(24) },
  '{opens, closes, drainHours}',
);

export const DistrictSchema = object(
  {
    id: identifier,
    kind: z.enum(['country', 'state', 'block'], says('must be "country", "state" or "block"')),
    parent: identifier.nullable(),
  },
  '{id, kind, parent}',
);
export type District = z.infer<typeof DistrictSchema>;

export const MajorityRuleSchema = object({ kind: z.literal('majority') }, '{kind}');
export const CountrySupermajorityRuleSchema = object(
  {
    kind: z.literal('country-supermajority'),
    countryThreshold: fraction,
    passThreshold: fraction,
    base: z.enum(['eligible', 'cast'], says('must be "eligible" or "cast"')),
  },
  '{kind, countryThreshold, passThreshold, base}',
);
export const RuleSchema = z.discriminatedUnion('kind', [MajorityRuleSchema, CountrySupermajorityRuleSchema], {
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be an object with a known "kind"'),
});
export type Rule = z.infer<typeof RuleSchema>;
export type CountrySupermajorityRule = z.infer<typeof CountrySupermajorityRuleSchema>;

export const OptionSchema = object({ id: identifier, label: humanString }, '{id, label}');

export const ContestSchema = object(
  {
    id: identifier,
    scope: identifier,
    question: humanString,
    options: array(OptionSchema).min(1, says('must list at least one option')),
    maxChoices: positiveInt,
    rule: RuleSchema,
  },
  '{id, scope, question, options, maxChoices, rule}',
);
export type Contest = z.infer<typeof ContestSchema>;

export const BallotStyleSchema = object(
  { id: identifier, districts: array(identifier), contests: array(identifier) },
  '{id, districts, contests}',
);
export type BallotStyle = z.infer<typeof BallotStyleSchema>;

export const RollModeSchema = object(
  {
    mode: z.literal('roll'),
    rollRoot: hex32,
    count,
    eligibleByCountry: z.record(alpha3, count, says('must be an object {alpha-3: count}')),
  },
  '{mode, rollRoot, count, eligibleByCountry}',
);

export const SampleModeSchema = object(
  {
    mode: z.literal('sample'),
    k: positiveInt,
    rollRoot: hex32,
    rollCount: count,
    commits: array(hex32).min(1, says('must list at least one commit')),
    reveals: array(hex32),
    selected: array(RollRecordSchema),
  },
  '{mode, k, rollRoot, rollCount, commits, reveals, selected}',
);

export const VotersSchema = z.discriminatedUnion('mode', [RollModeSchema, SampleModeSchema], {
  error: (issue) =>
    issue.input === undefined ? 'is required' : 'must be an object with mode "roll" or "sample"',
});
export type Voters = z.infer<typeof VotersSchema>;
export type RollModeVoters = z.infer<typeof RollModeSchema>;
export type SampleModeVoters = z.infer<typeof SampleModeSchema>;

export const QualificationsSchema = object(
  { minAge: count, nationalities: array(alpha3), voters: VotersSchema },
  '{minAge, nationalities, voters}',
);

export const WitnessSchema = object({ name: nonEmptyString, key: vkeyString }, '{name, key}');

export const LedgerSchema = object(
  {
    origin: nonEmptyString,
    url: z
      .string(says('must be an http(s) URL'))
      .refine((s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s), says('must be an http(s) URL')),
    logKey: vkeyString,
    witnesses: array(WitnessSchema),
    quorum: positiveInt,
  },
  '{origin, url, logKey, witnesses, quorum}',
);

export const TrustSchema = object(
  { voters: array(pemCertificate), officials: array(pemCertificate) },
  '{voters, officials}',
);

export const PackageSignatureSchema = object({ key: hex32, sig: base64 }, '{key, sig}');
export type PackageSignature = z.infer<typeof PackageSignatureSchema>;

export const ElectionPackageSchema = object(
  {
    v: z.literal(1, says('must be 1')),
    title: humanString,
    languages: array(bcp47).min(1, says('must list at least one language')),
    round: positiveInt.optional(),
    previous: ElectionIdSchema.optional(),
    window: WindowSchema,
    districts: array(DistrictSchema),
    contests: array(ContestSchema),
    ballotStyles: array(BallotStyleSchema),
    qualifications: QualificationsSchema,
    ledger: LedgerSchema,
    privacy: object({ minBatch: positiveInt.default(20) }, '{minBatch}'),
    limits: object({ maxBatch: positiveInt.default(1000) }, '{maxBatch}'),
    trust: TrustSchema,
    signatures: array(PackageSignatureSchema),
  },
  'with the fields of DESIGN §4',
);

/** A parsed package, defaults filled in. */
export type ElectionPackage = z.output<typeof ElectionPackageSchema>;
/** A package as JSON may give it (defaults may be absent); what is hashed and signed. */
export type ElectionPackageInput = z.input<typeof ElectionPackageSchema>;
