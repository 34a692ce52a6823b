/**
 * Merkle tree costs at ledger scale (one core): the root over a million leaf hashes in one pass, compact
 * range appends (the ledger's append path), and proofs from MemoryTree (the node-lookup path the
 * ledger's database also uses), with their verification.
 */
import { utf8 } from '../protocol/bytes';
import {
  CompactRange,
  leafHash,
  MemoryTree,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../protocol/merkle';
import { measure, medianMs, type Report } from './report';

const LEAVES = 1_000_000;

export function run(report: Report): Promise<void> {
  const hashes = Array.from({ length: LEAVES }, (_, i) => leafHash(utf8(`entry ${i}`)));

  report(
    'rootFromLeafHashes, 1,000,000 leaves',
    medianMs(() => rootFromLeafHashes(hashes)),
    'ms',
    'median of 3',
  );

  let appended = 0;
  let range = CompactRange.empty();
  const appends = measure(() => {
    if (appended === LEAVES) {
      range = CompactRange.empty();
      appended = 0;
    }
    range.append(hashes[appended++]!);
  });
  report('CompactRange.append', appends.opsPerSecond, 'appends/s', 'trees up to 1,000,000 leaves');

  const buildMs = medianMs(() => MemoryTree.fromLeafHashes(hashes), 1);
  report('MemoryTree build, 1,000,000 leaves', buildMs, 'ms', 'stores every node hash');

  const tree = MemoryTree.fromLeafHashes(hashes);
  const root = tree.root();
  // A fixed pseudo-random walk over indices, so each proof takes a different path.
  const index = (i: number) => (i * 2_654_435_761) % LEAVES;
  report(
    'MemoryTree.inclusionProof',
    measure((i) => tree.inclusionProof(index(i))).opsPerSecond,
    'proofs/s',
    'tree of 1,000,000',
  );
  const proofs = Array.from({ length: 1024 }, (_, i) => {
    const p = tree.inclusionProof(index(i));
    if (!p.ok) throw new Error(p.error);
    return p.value;
  });
  report(
    'verifyInclusion',
    measure((i) => {
      const k = i % 1024;
      if (!verifyInclusion(index(k), LEAVES, hashes[index(k)]!, proofs[k]!, root).ok)
        throw new Error('bad proof');
    }).opsPerSecond,
    'verifies/s',
    'tree of 1,000,000',
  );
  report(
    'MemoryTree.consistencyProof',
    measure((i) => tree.consistencyProof(1 + index(i), LEAVES)).opsPerSecond,
    'proofs/s',
    'to size 1,000,000',
  );
  const old = 1 + index(7);
  const cons = tree.consistencyProof(old, LEAVES);
  if (!cons.ok) throw new Error(cons.error);
  const oldRoot = tree.root(old);
  report(
    'verifyConsistency',
    measure(() => verifyConsistency(old, LEAVES, cons.value, oldRoot, root)).opsPerSecond,
    'verifies/s',
  );
  return Promise.resolve();
}
