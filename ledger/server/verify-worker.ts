/**
 * A crypto thread of the ledger (verify-pool.ts): verifies packed batches of ML-DSA signatures with the
 * fastest verifier this machine has (the native PQClean build, else noble), one boolean each, and signs
 * checkpoints (ML-DSA-44, noble). This is the CPU-heavy work of an append, so one thread per core lets
 * the ledger check signatures at the full rate of the machine (issue: "signature verification runs on
 * every core") while its main thread parses, stores and answers.
 */
import { parentPort } from 'node:worker_threads';
import { mlDsaSign, nobleVerifier, type MlDsaLevel } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { INDEX_FIELDS, type PoolReply, type PoolTask } from './verify-protocol';

const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);

if (!parentPort) throw new Error('verify-worker.ts runs only as a worker thread');
const port = parentPort;

port.postMessage({ kind: 'ready', verifier: verifier.name, ...(note ? { note } : {}) } satisfies PoolReply);

port.on('message', (task: PoolTask) => {
  if (task.kind === 'sign') {
    try {
      const signature = mlDsaSign('checkpoint', task.secretKey, task.message);
      port.postMessage({ kind: 'signed', id: task.id, signature } satisfies PoolReply);
    } catch (e) {
      port.postMessage({ kind: 'failed', id: task.id, error: (e as Error).message } satisfies PoolReply);
    }
    return;
  }
  const { index, data, keys, contexts } = task;
  const n = index.length / INDEX_FIELDS;
  const results = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * INDEX_FIELDS;
    const level = index[o] as MlDsaLevel;
    const message = data.subarray(index[o + 3], index[o + 3]! + index[o + 4]!);
    const signature = data.subarray(index[o + 5], index[o + 5]! + index[o + 6]!);
    results[i] = verifier.verify(level, keys[index[o + 1]!]!, message, signature, contexts[index[o + 2]!]!)
      ? 1
      : 0;
  }
  port.postMessage({ kind: 'verified', id: task.id, results } satisfies PoolReply, [results.buffer]);
});
