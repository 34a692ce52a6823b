/**
 * A toy log for the witness tests: a Merkle tree over numbered leaves, signed checkpoints and
 * add-checkpoint request bodies, with a settable clock. Two logs built from the same key and origin
 * but different leaves are the two views of a split-view attack.
 */
import { utf8 } from '../../protocol/bytes';
import {
  checkpoint,
  cosignerKey,
  encodeAddCheckpointRequest,
  signCheckpoint,
  type CosignerKey,
  type CosignerSigner,
} from '../../protocol/checkpoint';
import { sha256 } from '../../protocol/hash';
import { MemoryTree } from '../../protocol/merkle';
import { mlDsaKeygen } from '../../protocol/ml-dsa';

export function testSigner(name: string, seedLabel = name): CosignerSigner {
  const k = mlDsaKeygen(44, sha256(utf8(`witness-test:${seedLabel}`)));
  return { name, publicKey: k.publicKey, secretKey: k.secretKey };
}

export class TestLog {
  readonly tree = new MemoryTree();
  readonly key: CosignerKey;

  constructor(
    readonly signer: CosignerSigner,
    /** Distinguishes the leaves of two views of one log. */
    private readonly view = 'a',
  ) {
    this.key = cosignerKey(signer.name, signer.publicKey);
  }

  get origin(): string {
    return this.signer.name;
  }

  /** Appends leaves `${view}:${i}` up to `size`. */
  grow(size: number): this {
    while (this.tree.size < size) this.tree.appendData(utf8(`${this.view}:${this.tree.size}`));
    return this;
  }

  /** Appends one leaf with this exact text (to fork a copy). */
  append(text: string): this {
    this.tree.appendData(utf8(text));
    return this;
  }

  private readonly notes = new Map<string, string>();

  /**
   * The log-signed checkpoint note of size `size` (default: the whole tree), signed once per size and
   * root (ML-DSA signing is hedged: signing again would give other bytes).
   */
  note(size = this.tree.size): string {
    const root = this.tree.root(size);
    const key = `${size}:${Buffer.from(root).toString('hex')}`;
    let note = this.notes.get(key);
    if (note === undefined) {
      note = signCheckpoint(checkpoint(this.origin, size, root), this.signer, 1_900_000_000);
      this.notes.set(key, note);
    }
    return note;
  }

  /** The add-checkpoint body from `oldSize` to `size`, with the proof from this tree. */
  request(oldSize: number, size = this.tree.size): string {
    let proof: Uint8Array[] = [];
    if (oldSize > 0 && oldSize < size) {
      const p = this.tree.consistencyProof(oldSize, size);
      if (!p.ok) throw new Error(p.error);
      proof = p.value;
    }
    return encodeAddCheckpointRequest({ oldSize, proof, checkpointNote: this.note(size) });
  }
}
