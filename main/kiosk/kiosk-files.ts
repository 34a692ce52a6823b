/**
 * The kiosk's data folder: the store (main/store), the event log (its own file, kept when the election
 * data is wiped), and a small secrets file made at first start (0600): a random machine id (the kiosk's
 * name in event-log exports and card challenges before it has a key) and the secret that keys the
 * per-card PIN-failure counter (DESIGN §8, drivers/pkcs11/pin-attempts.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fromHex, toHex } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';

export const STORE_FILE = 'kiosk.sqlite';
export const EVENT_LOG_FILE = 'events.sqlite';
export const SECRETS_FILE = 'kiosk-secrets.json';

const SecretsSchema = z.strictObject({
  v: z.literal(1),
  machineId: z.string().regex(/^[0-9a-f]{64}$/),
  attemptSecret: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface KioskSecrets {
  readonly machineId: string;
  readonly attemptSecret: Uint8Array;
}

/** Reads the secrets file, creating the folder and the file at first start. */
export async function loadKioskSecrets(dataDir: string): Promise<Result<KioskSecrets, string>> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SECRETS_FILE);
  if (!existsSync(path)) {
    const fresh = { v: 1, machineId: toHex(randomBytes(32)), attemptSecret: toHex(randomBytes(32)) };
    await writeFile(path, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    return err(
      `${path} is not JSON (${(e as Error).message}): restore it or remove it (PIN lock-outs then start over)`,
    );
  }
  const parsed = SecretsSchema.safeParse(json);
  if (!parsed.success) return err(`${path} is not a kiosk secrets file: restore it or remove it`);
  return ok({ machineId: parsed.data.machineId, attemptSecret: fromHex(parsed.data.attemptSecret) });
}
