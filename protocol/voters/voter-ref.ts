/**
 * voterRef (DESIGN §4 "Voters, credentials and the random sample", step 1): one per person,
 * hex SHA-256("ogas-voter-v1" ‖ rollSalt ‖ UTF-8 person id). The salt keeps person ids (often document
 * numbers) from being tested against the public list of voterRefs.
 */
import type { z } from 'zod';
import { toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { hex32 } from '../election/primitives';

export const VoterRefSchema = hex32.brand<'VoterRef'>();
/** Lowercase hex SHA-256 naming one person on the roll. */
export type VoterRef = z.infer<typeof VoterRefSchema>;

export const ROLL_SALT_BYTES = 32;
const VOTER_TAG = utf8('ogas-voter-v1');

/** voterRef of a person; `rollSalt` is the authority's 32 secret bytes. */
export function voterRef(rollSalt: Uint8Array, personId: string): VoterRef {
  if (rollSalt.length !== ROLL_SALT_BYTES)
    throw new RangeError(`rollSalt must be ${ROLL_SALT_BYTES} bytes, got ${rollSalt.length}`);
  if (personId.length === 0) throw new RangeError('person id must not be empty');
  return toHex(sha256(VOTER_TAG, rollSalt, utf8(personId))) as VoterRef;
}
