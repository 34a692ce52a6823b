/**
 * The kiosk's provisioning bundle (DESIGN §4 "Voters, credentials and the random sample", steps 1–2):
 * the authority's secret `rollSalt` and the credential table. File format (ours; DESIGN leaves it
 * open), one JSON object, closed:
 *
 *   { "v": 1,
 *     "election": "<electionId, hex>",
 *     "rollSalt": "<32 bytes, hex>",
 *     "credentials": [ { "key": "<hex SHA-256(rollSalt ‖ UTF-8 credential key)>",
 *                        "voterRef": "<hex>", "style": "<ballot style id>" }, ... ] }
 *
 * `credentials` is sorted by `key`, each key once (one credential names one person; one person may
 * have several credentials, e.g. a card and a passport). The bundle is secret: with the salt, a
 * document number can be tested against the public voterRefs.
 */
import { z } from 'zod';
import { fromHex, toHex } from '../bytes';
import { err, ok, type Result } from '../result';
import { hex32, hexBytes, identifier, says } from '../election/primitives';
import type { Problem } from '../election/problems';
import { ElectionIdSchema, type ElectionId } from '../election/schema';
import { formatZodIssues } from '../election/zod-issues';
import { credentialTableKey } from './credentials';
import { VoterRefSchema, type VoterRef } from './voter-ref';

export const CredentialEntrySchema = z.strictObject(
  { key: hex32, voterRef: VoterRefSchema, style: identifier },
  says('must be an object {key, voterRef, style}'),
);
export type CredentialEntry = z.infer<typeof CredentialEntrySchema>;

export const ProvisioningBundleSchema = z.strictObject(
  {
    v: z.literal(1, says('must be 1')),
    election: ElectionIdSchema,
    rollSalt: hexBytes(32),
    credentials: z.array(CredentialEntrySchema, says('must be an array')),
  },
  says('must be an object {v, election, rollSalt, credentials}'),
);
export type ProvisioningBundle = z.infer<typeof ProvisioningBundleSchema>;

/** What a credential maps to. */
export interface CredentialMatch {
  readonly voterRef: VoterRef;
  readonly style: string;
}

export function parseProvisioningBundle(value: unknown): Result<ProvisioningBundle, Problem[]> {
  const parsed = ProvisioningBundleSchema.safeParse(value);
  if (!parsed.success) return err(formatZodIssues(parsed.error.issues));
  const problems: Problem[] = [];
  const c = parsed.data.credentials;
  for (let i = 1; i < c.length; i++) {
    if (c[i - 1]!.key >= c[i]!.key) {
      problems.push({
        path: `credentials[${i}].key`,
        message: 'credentials must be sorted by key, each key once',
        check: 'credentials-sorted',
      });
    }
  }
  return problems.length > 0 ? err(problems) : ok(parsed.data);
}

export interface CredentialSource {
  /** `card:…` or `doc:…` (credentials.ts). */
  readonly credentialKey: string;
  readonly voterRef: VoterRef;
  readonly style: string;
}

/** Builds a bundle (the authority's side); refuses a credential key given twice. */
export function createProvisioningBundle(
  election: ElectionId,
  rollSalt: Uint8Array,
  sources: readonly CredentialSource[],
): Result<ProvisioningBundle, string> {
  const byKey = new Map<string, CredentialEntry>();
  for (const s of sources) {
    const key = credentialTableKey(rollSalt, s.credentialKey);
    if (byKey.has(key)) return err(`credential ${s.credentialKey} is listed twice`);
    byKey.set(key, { key, voterRef: s.voterRef, style: s.style });
  }
  const credentials = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  return ok({ v: 1, election, rollSalt: toHex(rollSalt), credentials });
}

const indexes = new WeakMap<ProvisioningBundle, Map<string, CredentialMatch>>();

/** Looks a credential key up in the bundle's table (the kiosk's side). */
export function lookupCredential(
  bundle: ProvisioningBundle,
  credentialKey: string,
): CredentialMatch | undefined {
  let index = indexes.get(bundle);
  if (index === undefined) {
    index = new Map(bundle.credentials.map((e) => [e.key, { voterRef: e.voterRef, style: e.style }]));
    indexes.set(bundle, index);
  }
  return index.get(credentialTableKey(fromHex(bundle.rollSalt), credentialKey));
}
