import { describe, expect, it } from 'vitest';
import { fromUtf8, toBase64, utf8 } from '../../protocol/bytes';
import { kioskId, signEntry, type Entry } from '../../protocol/entries';
import { canonicalBytes } from '../../protocol/jcs';
import { mlDsaKeygen, mlDsaSign, nobleVerifier } from '../../protocol/ml-dsa';
import { sha256 } from '../../protocol/hash';
import { checkLeaf } from './entry-check';
import { parseLeafData, signedMessage } from '../../protocol/entries';

const keys = mlDsaKeygen(65, sha256(utf8('entry-check-test')));
const kiosk = kioskId(keys.publicKey);
const checkin: Entry = {
  v: 1,
  type: 'checkin',
  election: 'ab'.repeat(32) as Entry['election'],
  kiosk,
  voterRef: 'cd'.repeat(32) as never,
  style: 'deu',
};
const leaf = signEntry(checkin, keys.secretKey, keys.publicKey);
const known = new Map([[kiosk, keys.publicKey]]);

describe('checkLeaf', () => {
  it('finds a valid signature under the context of the entry type', () => {
    const item = checkLeaf(leaf, known, nobleVerifier);
    expect(item).toMatchObject({ kind: 'entry', sig: 'valid', entry: checkin });
  });

  it('tells a signature under another context from a broken one', () => {
    const asBallot = canonicalBytes({
      entry: checkin,
      signer: kiosk,
      sig: toBase64(mlDsaSign('ballot', keys.secretKey, canonicalBytes(checkin))),
    });
    expect(checkLeaf(asBallot, known, nobleVerifier)).toMatchObject({
      sig: 'wrong-context',
      signedAs: 'ballot',
    });
    const env = JSON.parse(fromUtf8(leaf)) as { sig: string };
    const broken = fromUtf8(leaf).replace(env.sig, env.sig.replace(/^./, env.sig[0] === 'A' ? 'B' : 'A'));
    expect(checkLeaf(utf8(broken), known, nobleVerifier)).toMatchObject({ sig: 'invalid' });
  });

  it('says when the kiosk key is unknown, and skips signatures without a verifier', () => {
    expect(checkLeaf(leaf, new Map(), nobleVerifier)).toMatchObject({ sig: 'no-key' });
    expect(checkLeaf(leaf, new Map(), undefined)).toMatchObject({ sig: 'unchecked' });
  });

  it('refuses a leaf that is not canonical, naming the problem', () => {
    const item = checkLeaf(utf8(`${fromUtf8(leaf)} `), known, nobleVerifier);
    expect(item.kind).toBe('malformed');
  });

  it('the signed message sliced from the leaf is JCS(entry)', () => {
    const env = parseLeafData(leaf);
    if (!env.ok) throw new Error('fixture leaf does not parse');
    const message = signedMessage(leaf, env.value);
    expect(Buffer.from(message)).toEqual(Buffer.from(canonicalBytes(checkin)));
    expect(message.buffer).toBe(leaf.buffer); // a slice, not a copy
    // Bytes without the canonical frame (here: indented) get JCS(entry) re-encoded.
    const indented = utf8(JSON.stringify(JSON.parse(fromUtf8(leaf)), null, 1));
    expect(Buffer.from(signedMessage(indented, env.value))).toEqual(Buffer.from(canonicalBytes(checkin)));
  });
});
