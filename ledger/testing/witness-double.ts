/**
 * A small C2SP tlog-witness for ledger tests (the real one is `ogas witness serve`): `POST
 * /add-checkpoint` checks the log's signature, answers 409 with its size when the request's old size is
 * not its latest, checks the consistency proof from its latest checkpoint, cosigns (ML-DSA-44,
 * tlog-cosignature) and remembers the new checkpoint in memory. `fail` makes it answer 500, to show
 * the ledger carries on without it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesEqual } from '../../protocol/bytes';
import {
  cosign,
  encodeTreeSizeBody,
  parseAddCheckpointRequest,
  TREE_SIZE_CONTENT_TYPE,
  verifyNote,
  type CosignerKey,
  type CosignerSigner,
} from '../../protocol/checkpoint';
import { verifyConsistency } from '../../protocol/merkle';

export interface WitnessDouble {
  readonly url: string;
  /** Sizes it cosigned, in order. */
  readonly cosigned: number[];
  /** Requests it answered 409. */
  conflicts: number;
  /** Answer 500 to everything while true. */
  fail: boolean;
  /** Its latest cosigned checkpoint. */
  latest: { size: number; root: Uint8Array } | undefined;
  close(): Promise<void>;
}

export async function startWitnessDouble(
  signer: CosignerSigner,
  logKey: CosignerKey,
  clock: () => number = Date.now,
): Promise<WitnessDouble> {
  const state: WitnessDouble = {
    url: '',
    cosigned: [],
    conflicts: 0,
    fail: false,
    latest: undefined,
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (state.fail) return answer(500, 'witness down for the test\n');
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return answer(404, 'not found\n');
      const parsed = parseAddCheckpointRequest(Buffer.concat(chunks).toString('utf8'));
      if (!parsed.ok) return answer(400, `${parsed.error}\n`);
      const note = verifyNote(parsed.value.checkpointNote, [logKey]);
      if (!note.ok) return answer(403, `${note.error}\n`);
      const cp = note.value.checkpoint;
      const mine = state.latest?.size ?? 0;
      if (parsed.value.oldSize !== mine) {
        state.conflicts++;
        return answer(409, encodeTreeSizeBody(mine), TREE_SIZE_CONTENT_TYPE);
      }
      if (state.latest) {
        const consistent =
          cp.size === state.latest.size
            ? bytesEqual(cp.root, state.latest.root) && parsed.value.proof.length === 0
            : verifyConsistency(state.latest.size, cp.size, parsed.value.proof, state.latest.root, cp.root)
                .ok;
        if (!consistent) return answer(422, 'inconsistent with the checkpoint I cosigned\n');
      }
      state.latest = { size: cp.size, root: cp.root };
      state.cosigned.push(cp.size);
      answer(200, cosign(cp, signer, Math.floor(clock() / 1000)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
