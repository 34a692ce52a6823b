/**
 * A crypto thread of the ledger (verify-pool.ts): parses and verifies slices of a request's entries,
 * verifies packed batches of ML-DSA signatures, one boolean each, and signs checkpoints (ML-DSA-44),
 * with the fastest backend this machine has (the native PQClean build, else noble). This is the
 * CPU-heavy work of an append, so one thread per core lets the ledger check signatures at the full rate
 * of the machine (issue: "signature verification runs on every core") while its main thread stores and
 * answers.
 */
import { parentPort } from 'node:worker_threads';
import { entryPurpose, parseLeafText, signedMessage } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { contextBytes, mlDsaSign, nobleSigner, nobleVerifier, type MlDsaLevel } from '../../protocol/ml-dsa';
import { fastestMlDsaSigner, fastestMlDsaVerifier } from '../../native/ml-dsa';
import {
  INDEX_FIELDS,
  type ParsedItem,
  type ParseTask,
  type PoolReply,
  type PoolTask,
} from './verify-protocol';

const { verifier, note } = fastestMlDsaVerifier(nobleVerifier);
const { signer } = fastestMlDsaSigner(nobleSigner);

if (!parentPort) throw new Error('verify-worker.ts runs only as a worker thread');
const port = parentPort;

port.postMessage({ kind: 'ready', verifier: verifier.name, ...(note ? { note } : {}) } satisfies PoolReply);

/** Parses (and verifies) a slice of a request's entries: see ParseTask. */
function parse(task: ParseTask): PoolReply {
  const n = task.texts.length;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + Buffer.byteLength(task.texts[i]!, 'utf8');
  const data = new Uint8Array(offsets[n]!);
  const bytes = Buffer.from(data.buffer);
  const hashes = new Uint8Array(32 * n);
  const items: ParsedItem[] = [];
  for (let i = 0; i < n; i++) {
    const leaf = data.subarray(offsets[i], offsets[i + 1]);
    if (leaf.length > task.maxBytes) {
      items.push({ kind: 'too-big', bytes: leaf.length });
      continue;
    }
    bytes.write(task.texts[i]!, offsets[i]!, 'utf8');
    hashes.set(leafHash(leaf), 32 * i);
    const parsed = parseLeafText(task.texts[i]!);
    if (!parsed.ok) {
      items.push({ kind: 'malformed', problems: parsed.error });
      continue;
    }
    const envelope = parsed.value;
    if (task.publicKey === null) {
      items.push({ kind: 'entry', envelope, sig: 'unchecked' });
      continue;
    }
    const valid = verifier.verify(
      65,
      task.publicKey,
      signedMessage(leaf, envelope),
      Buffer.from(envelope.sig, 'base64'),
      contextBytes(entryPurpose(envelope.entry.type)),
    );
    items.push({ kind: 'entry', envelope, sig: valid ? 'valid' : 'invalid' });
  }
  return { kind: 'parsed', id: task.id, data, offsets, hashes, items };
}

port.on('message', (task: PoolTask) => {
  if (task.kind === 'parse') {
    const reply = parse(task);
    const transfer = reply.kind === 'parsed' ? [reply.data.buffer, reply.hashes.buffer] : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
    return;
  }
  if (task.kind === 'sign') {
    try {
      const signature = mlDsaSign('checkpoint', task.secretKey, task.message, signer);
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
