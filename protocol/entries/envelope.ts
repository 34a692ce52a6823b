/**
 * Signing, parsing and verifying log entries (DESIGN §3 and §5): a leaf is the JCS of
 * `{entry, signer, sig}`, `sig` the ML-DSA-65 signature over JCS(entry) with the context of the entry's
 * type, `signer` the kiosk id, equal to `entry.kiosk`. Leaf data must be canonical: the ledger refuses
 * any other spelling of the same JSON, so that one entry has one leaf hash.
 */
import { fromBase64, fromUtf8, toBase64 } from '../bytes';
import { canonicalBytes, parseCanonical } from '../jcs';
import {
  mlDsaSign,
  mlDsaVerify,
  nobleSigner,
  nobleVerifier,
  SIGNING_CONTEXTS,
  type MlDsaSigner,
  type MlDsaVerifier,
  type SigningPurpose,
} from '../ml-dsa';
import { assertNever, err, ok, type Result } from '../result';
import type { Problem } from '../election/problems';
import { formatZodIssues } from '../election/zod-issues';
import { kioskId } from './kiosk-id';
import { EnvelopeSchema, EntrySchema, type Entry, type EntryType, type Envelope } from './schemas';

/** DESIGN §3 table: the signing purpose (context) of each entry type. */
export function entryPurpose(type: EntryType): SigningPurpose {
  switch (type) {
    case 'checkin':
      return 'checkin';
    case 'ballot':
      return 'ballot';
    case 'batch':
      return 'batch';
    case 'polls':
    case 'kiosk-enrolment':
      return 'kiosk';
    default:
      return assertNever(type, 'entry type');
  }
}

/**
 * Signs an entry with the kiosk key and returns the leaf data (JCS of the envelope). Sign once and
 * store these bytes before sending (DESIGN §3: ML-DSA signing is randomized; a resend is the same bytes).
 * An entry that does not pass its own schema, or a key that is not the entry's kiosk, is a bug: throws.
 */
export function signEntry(
  entry: Entry,
  kioskSecretKey: Uint8Array,
  kioskPublicKey: Uint8Array,
  backend: MlDsaSigner = nobleSigner,
): Uint8Array {
  const checked = EntrySchema.safeParse(entry);
  if (!checked.success) {
    throw new TypeError(
      `entry does not match its schema: ${formatZodIssues(checked.error.issues)
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}`,
    );
  }
  const signer = kioskId(kioskPublicKey);
  if (signer !== entry.kiosk)
    throw new TypeError(`entry.kiosk ${entry.kiosk} is not the id of this kiosk key (${signer})`);
  const sig = mlDsaSign(entryPurpose(entry.type), kioskSecretKey, canonicalBytes(entry), backend);
  return canonicalBytes({ entry, signer, sig: toBase64(sig) });
}

/**
 * Parses a leaf's data into a typed envelope, or lists every problem naming its field (`entry.seq:
 * must be a positive integer`). Refuses non-canonical JSON, a signer other than entry.kiosk, and an
 * enrolment whose kiosk id is not the hash of its public key.
 */
export function parseLeafData(bytes: Uint8Array): Result<Envelope, Problem[]> {
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return err([{ path: '', message: 'leaf data is not valid UTF-8', check: 'canonical' }]);
  }
  return parseLeafText(text);
}

/**
 * parseLeafData for leaf data already held as a string (the ledger gets each entry as a JSON string):
 * the same checks without a round trip through UTF-8. A lone surrogate, which has no UTF-8 form, is
 * refused as not canonical (RFC 8785 §3.2.2.2).
 */
export function parseLeafText(text: string): Result<Envelope, Problem[]> {
  const canonical = parseCanonical(text);
  if (!canonical.ok) return err([{ path: '', message: canonical.error, check: 'canonical' }]);
  const parsed = EnvelopeSchema.safeParse(canonical.value);
  if (!parsed.success) return err(formatZodIssues(parsed.error.issues));
  const envelope = parsed.data;
  const problems: Problem[] = [];
  if (envelope.signer !== envelope.entry.kiosk) {
    problems.push({
      path: 'signer',
      message: `must equal entry.kiosk (${envelope.entry.kiosk})`,
      check: 'signer',
    });
  }
  if (envelope.entry.type === 'kiosk-enrolment') {
    const key = fromBase64(envelope.entry.publicKey);
    let id: string | undefined;
    try {
      id = kioskId(key);
    } catch (e) {
      problems.push({ path: 'entry.publicKey', message: (e as Error).message, check: 'enrolment-key' });
    }
    if (id !== undefined && id !== envelope.entry.kiosk) {
      problems.push({
        path: 'entry.kiosk',
        message: 'must be the hex SHA-256 of entry.publicKey',
        check: 'enrolment-key',
      });
    }
  }
  return problems.length > 0 ? err(problems) : ok(envelope);
}

/**
 * Verifies the kiosk signature of an envelope with the kiosk's public key (for an enrolment, the key
 * inside it), under the context of the entry's type: a ballot signature is not a check-in signature.
 */
export function verifyEnvelope(
  envelope: Envelope,
  publicKey: Uint8Array,
  verifier: MlDsaVerifier = nobleVerifier,
): Result<true, string> {
  let id: string;
  try {
    id = kioskId(publicKey);
  } catch (e) {
    return err((e as Error).message);
  }
  if (id !== envelope.signer)
    return err(`the key given is kiosk ${id}, the entry is signed by ${envelope.signer}`);
  const purpose = entryPurpose(envelope.entry.type);
  const good = mlDsaVerify(
    purpose,
    publicKey,
    canonicalBytes(envelope.entry),
    fromBase64(envelope.sig),
    verifier,
  );
  return good
    ? ok(true)
    : err(
        `the ${envelope.entry.type} signature of kiosk ${envelope.signer} does not verify (context ${SIGNING_CONTEXTS[purpose]}): the entry was altered or signed for another purpose`,
      );
}
