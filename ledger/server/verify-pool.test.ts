import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { contextBytes, mlDsaKeygen, mlDsaSign } from '../../protocol/ml-dsa';
import { VerifyPool } from './verify-pool';
import type { VerifyItem } from './verify-protocol';

let pool: VerifyPool;
beforeAll(async () => {
  pool = await VerifyPool.start({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
});

describe('VerifyPool', () => {
  it('verifies on worker threads, spreading a large request, and flags exactly the bad signatures', async () => {
    const keys = mlDsaKeygen(65);
    const good: VerifyItem[] = Array.from({ length: 5 }, (_, i) => {
      const message = utf8(`ballot ${i}`);
      return {
        level: 65,
        publicKey: keys.publicKey,
        message,
        signature: mlDsaSign('ballot', keys.secretKey, message),
        context: contextBytes('ballot'),
      };
    });
    // 100 items: chunks go to both threads; wrong context and altered message must fail.
    const items = Array.from({ length: 100 }, (_, i) => good[i % 5]!);
    const wrongContext = { ...good[0]!, context: contextBytes('checkin') };
    const altered = { ...good[1]!, message: utf8('ballot 9') };
    const results = await pool.verify([...items, wrongContext, altered]);
    expect(results.slice(0, 100).every(Boolean)).toBe(true);
    expect(results.slice(100)).toEqual([false, false]);
    expect(pool.size).toBe(2);
    expect(['pqclean-native', 'noble']).toContain(pool.verifierName);
  });
});
