/**
 * What can be checked of one leaf on its own (DESIGN §3, §5), in a verify thread: its leaf hash, that
 * it is the canonical JCS of an envelope around a closed §5 entry (protocol/entries parseLeafData),
 * and its ML-DSA-65 signature under the context of its type, with the kiosk key. A kiosk id is the
 * hash of its key (DESIGN §3), so a key is usable wherever it came from: the thread learns keys from
 * the enrolments the main thread saw; whether the kiosk was enrolled *before* the entry is for the
 * in-order checks (log-rules.ts) to say.
 *
 * A signature that fails under its own context is tried under the others, to tell "signed as another
 * kind of entry" (a wrong context) from a broken signature.
 */
import { fromBase64 } from '../../protocol/bytes';
import { formatProblem } from '../../protocol/election/problems';
import {
  chainLink,
  entryPurpose,
  parseLeafData,
  signedMessage,
  type Entry,
  type Envelope,
} from '../../protocol/entries';
import {
  contextBytes,
  SIGNING_CONTEXTS,
  type MlDsaVerifier,
  type SigningPurpose,
} from '../../protocol/ml-dsa';

export type SignatureVerdict =
  /** Verifies under the context of its type. */
  | 'valid'
  /** Verifies under no context with this kiosk's key. */
  | 'invalid'
  /** The kiosk's key is not known here (no enrolment seen for it). */
  | 'no-key'
  /** Not checked (tally mode). */
  | 'unchecked'
  /** Verifies, but under the context of another type (see `signedAs`). */
  | 'wrong-context';

export type EntryItem =
  | { readonly kind: 'malformed'; readonly problems: readonly string[] }
  | {
      readonly kind: 'entry';
      readonly entry: Entry;
      readonly sig: SignatureVerdict;
      /** The purpose the signature verifies under, when it is the wrong one. */
      readonly signedAs?: SigningPurpose;
      /** For batch manifests and polls events: hex SHA-256 of the leaf data (the next `prev`). */
      readonly link?: string;
    };

const PURPOSES = Object.keys(SIGNING_CONTEXTS).filter(
  (p) => p !== 'checkpoint' && p !== 'election',
) as SigningPurpose[];

/** The kiosk key an entry is checked with: its own for an enrolment, else a known one. */
function keyFor(envelope: Envelope, keys: ReadonlyMap<string, Uint8Array>): Uint8Array | undefined {
  const entry = envelope.entry;
  if (entry.type === 'kiosk-enrolment') return fromBase64(entry.publicKey);
  return keys.get(envelope.signer);
}

export function checkLeaf(
  data: Uint8Array,
  keys: ReadonlyMap<string, Uint8Array>,
  verifier: MlDsaVerifier | undefined,
): EntryItem {
  const parsed = parseLeafData(data);
  if (!parsed.ok) return { kind: 'malformed', problems: parsed.error.map(formatProblem) };
  const envelope = parsed.value;
  const entry = envelope.entry;
  const link = entry.type === 'batch' || entry.type === 'polls' ? chainLink(data) : undefined;
  const base = { kind: 'entry' as const, entry, ...(link === undefined ? {} : { link }) };
  if (!verifier) return { ...base, sig: 'unchecked' };
  const key = keyFor(envelope, keys);
  if (!key) return { ...base, sig: 'no-key' };
  const message = signedMessage(data, envelope);
  const signature = fromBase64(envelope.sig);
  const own = entryPurpose(entry.type);
  if (verifier.verify(65, key, message, signature, contextBytes(own))) return { ...base, sig: 'valid' };
  for (const purpose of PURPOSES) {
    if (purpose !== own && verifier.verify(65, key, message, signature, contextBytes(purpose))) {
      return { ...base, sig: 'wrong-context', signedAs: purpose };
    }
  }
  return { ...base, sig: 'invalid' };
}
