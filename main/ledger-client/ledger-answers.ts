/**
 * Schemas of the ledger's answers (DESIGN §6 HTTP API): every body the kiosk reads is parsed into a
 * typed value here, or refused with the field at fault. Proof hashes are canonical base64 of 32 bytes.
 * Unknown extra fields are ignored (a newer ledger may add some); what the kiosk relies on is checked
 * by verification, not by shape alone.
 */
import { z } from 'zod';
import { fromBase64, isBase64 } from '../../protocol/bytes';
import { formatZodIssues } from '../../protocol/election/zod-issues';
import { err, ok, type Result } from '../../protocol/result';

const index = z.int('must be an integer').nonnegative('must be ≥ 0');
const hash = z
  .string('must be a base64 string')
  .refine((s) => isBase64(s) && fromBase64(s).length === 32, 'must be canonical base64 of 32 bytes')
  .transform((s) => fromBase64(s));
const proof = z.array(hash, 'must be an array of base64 hashes');

/** `POST /v1/entries` accepted: `{index, size, checkpoint, proofs}`. */
export const EntriesAnswerSchema = z.object({
  index,
  size: index.positive('must be ≥ 1'),
  checkpoint: z.string('must be the checkpoint note text'),
  proofs: z.array(proof, 'must be an array of proofs'),
});
export type EntriesAnswer = z.infer<typeof EntriesAnswerSchema>;

/** `GET /v1/proof/inclusion`, `GET /v1/proof/consistency`: `{proof}`. */
export const ProofAnswerSchema = z.object({ proof });

/** `GET /v1/leaves`: `{leaves}`. */
export const LeavesAnswerSchema = z.object({ leaves: z.array(hash, 'must be an array of leaf hashes') });

/** `GET /v1/lookup`: `{index}`. */
export const LookupAnswerSchema = z.object({ index });

/** `GET /v1/checkpoints` (this ledger's listing of witnessed sizes): `{sizes}`. */
export const CheckpointSizesSchema = z.object({ sizes: z.array(index.positive('must be ≥ 1')) });

/** A refusal body (DESIGN §6): `{error, field?, rule?, ...details}`. */
export const RefusalBodySchema = z.looseObject({
  error: z.string('must be a message'),
  field: z.string().optional(),
  rule: z.string().optional(),
});

/** The 409 of a check-in whose voter already checked in: the first check-in's index and proof. */
export const FirstCheckinSchema = z.object({
  index,
  size: index.positive('must be ≥ 1'),
  checkpoint: z.string('must be the checkpoint note text'),
  proof,
});
export type FirstCheckinProof = z.infer<typeof FirstCheckinSchema>;

/** Parses `value` with `schema`; the error names each field at fault. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): Result<T, string> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const problems = formatZodIssues(parsed.error.issues)
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
    .join('; ');
  return err(`${what}: ${problems}`);
}
