/**
 * The emulated HSM's key file (demo only): the AES-256 sealing key written to a file, so that a demo
 * kiosk stopped and started again can unseal its kiosk key as a real kiosk does with its HSM (DESIGN §8:
 * locked after a restart until an official enters the HSM PIN). A real HSM never lets its key out; this
 * file IS the key, in the clear, and says so in its own text. Created once with mode 0600, never
 * overwritten.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { fromHex, toHex } from '../../protocol/bytes';
import { err, ok, type Result } from '../../protocol/result';

export const EMULATED_HSM_KEY_KIND = 'ogas-emulated-hsm-key';
export const EMULATED_HSM_KEY_WARNING =
  'EMULATED HSM, demo and tests only: this file is the sealing key in the clear and protects nothing. ' +
  'A real HSM never lets its key out. Never use it in an election.';

const KeyFileSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal(EMULATED_HSM_KEY_KIND),
  warning: z.string(),
  keyLabel: z.string().min(1),
  aes256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (an AES-256 key)'),
});

/** The key in `path` for `keyLabel`, or null when there is no file yet (no sealing key created). */
export function readEmulatedHsmKey(path: string, keyLabel: string): Result<Buffer | null, string> {
  if (!existsSync(path)) return ok(null);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`the emulated HSM key file ${path} cannot be read as JSON: ${(e as Error).message}`);
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')}: ${issue.message})` : '';
    return err(`${path} is not an emulated HSM key file${where}`);
  }
  if (parsed.data.keyLabel !== keyLabel) {
    return err(
      `the emulated HSM key file ${path} holds the key "${parsed.data.keyLabel}", not "${keyLabel}"`,
    );
  }
  return ok(Buffer.from(fromHex(parsed.data.aes256)));
}

/**
 * Makes a new AES-256 key and writes it to `path` (mode 0600, refused if the file exists: a key that
 * sealed something is never replaced).
 */
export function createEmulatedHsmKey(path: string, keyLabel: string): Result<Buffer, string> {
  const key = randomBytes(32);
  const file = {
    v: 1,
    kind: EMULATED_HSM_KEY_KIND,
    warning: EMULATED_HSM_KEY_WARNING,
    keyLabel,
    aes256: toHex(key),
  };
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Durable before anything is sealed with it: a sealed kiosk key outliving its key is lost.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return err(`the emulated HSM could not write its key file ${path}: ${(e as Error).message}`);
  }
  return ok(key);
}
