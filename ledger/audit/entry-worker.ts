/**
 * An audit thread (entry-pool.ts): for each line of a chunk, the leaf hash (RFC 9162 §2.1.1), the
 * parsed entry and its signature verdict (entry-check.ts), with the fastest ML-DSA verifier this
 * machine has (the native PQClean build, else noble). One thread per core: signature checks are the
 * audit's main cost.
 */
import { parentPort } from 'node:worker_threads';
import { leafHash } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { checkLeaf } from './entry-check';
import type { FromWorker, ToWorker } from './entry-protocol';

const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);
const keys = new Map<string, Uint8Array>();

if (!parentPort) throw new Error('entry-worker.ts runs only as a worker thread');
const port = parentPort;

port.postMessage({ kind: 'ready', verifier: verifier.name, ...(note ? { note } : {}) } satisfies FromWorker);

port.on('message', (m: ToWorker) => {
  if (m.kind === 'key') {
    keys.set(m.kiosk, m.publicKey);
    return;
  }
  const n = m.offsets.length - 1;
  const hashes = new Uint8Array(32 * n);
  const items = [];
  for (let i = 0; i < n; i++) {
    const data = m.bytes.subarray(m.offsets[i], m.offsets[i + 1]);
    hashes.set(leafHash(data), 32 * i);
    items.push(checkLeaf(data, keys, m.verify ? verifier : undefined));
  }
  port.postMessage({ kind: 'done', id: m.id, hashes, items } satisfies FromWorker, [hashes.buffer]);
});
