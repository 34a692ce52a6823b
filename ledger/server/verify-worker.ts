/**
 * A signature-verification thread of the ledger (verify-pool.ts): receives batches of ML-DSA
 * verifications and answers one boolean each, with the fastest verifier this machine has (the native
 * PQClean build, else noble). Verification is pure CPU work, so one thread per core lets the ledger
 * check signatures at the full rate of the machine (issue: "signature verification runs on every core").
 */
import { parentPort } from 'node:worker_threads';
import { nobleVerifier, type MlDsaLevel } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import type { VerifyReply, VerifyTask } from './verify-protocol';

const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);

if (!parentPort) throw new Error('verify-worker.ts runs only as a worker thread');
const port = parentPort;

port.postMessage({ kind: 'ready', verifier: verifier.name, ...(note ? { note } : {}) } satisfies VerifyReply);

port.on('message', (task: VerifyTask) => {
  const results = new Uint8Array(task.items.length);
  task.items.forEach((item, i) => {
    const level: MlDsaLevel = item.level;
    results[i] = verifier.verify(level, item.publicKey, item.message, item.signature, item.context) ? 1 : 0;
  });
  port.postMessage({ kind: 'done', id: task.id, results } satisfies VerifyReply, [results.buffer]);
});
