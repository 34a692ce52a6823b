/**
 * A real kiosk's configuration file (`ogas kiosk --config FILE`), parsed by a closed schema with
 * errors that name the field. Relative paths are taken from the file's own folder. Example:
 *
 *   { "v": 1,
 *     "dataDir": "/var/lib/ogas-kiosk",
 *     "trustFile": "authority-trust.json",
 *     "officialsCa": ["officials-ca.pem"],
 *     "ledgerUrl": "https://ledger.example.org",
 *     "rpc": { "port": 8787 },
 *     "pkcs11": { "cardModule": "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
 *                 "hsmModule": "/usr/lib/softhsm/libsofthsm2.so", "hsmTokenLabel": "kiosk-hsm" },
 *     "scanners": [ { "kind": "serial", "path": "/dev/ttyACM0", "framing": "ssi" },
 *                   { "kind": "hid", "vendorId": "05e0", "productId": "1900" } ],
 *     "controller": { "port": "/dev/ttyUSB0" } }
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../protocol/result';

const path = z.string().min(1, 'must not be empty').max(4096);
const hex4 = z.string().regex(/^[0-9a-fA-F]{4}$/, 'must be 4 hex digits (a USB id)');

const ScannerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('serial'),
    path,
    framing: z.enum(['lines', 'stx-etx', 'ssi']),
    baudRate: z.int().positive().optional(),
    id: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
  }),
  z.strictObject({
    kind: z.literal('hid'),
    path: path.optional(),
    vendorId: hex4.optional(),
    productId: hex4.optional(),
    id: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
  }),
]);

export const KioskConfigSchema = z.strictObject({
  v: z.literal(1),
  dataDir: path,
  trustFile: path,
  officialsCa: z.array(path).min(1, 'list at least one officials CA certificate (PEM)'),
  ledgerUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  rpc: z.strictObject({ port: z.int().min(1).max(65535) }).optional(),
  pkcs11: z.strictObject({
    cardModule: path.optional(),
    hsmModule: path.optional(),
    hsmTokenLabel: z.string().min(1).max(32),
    hsmKeyLabel: z.string().min(1).max(64).optional(),
  }),
  scanners: z.array(ScannerSchema).max(4),
  controller: z.strictObject({ port: path, baudRate: z.int().positive().optional() }).nullable(),
});
export type KioskConfig = z.infer<typeof KioskConfigSchema>;

function rebase(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Parses the config file's text; relative paths are resolved against `baseDir`. */
export function parseKioskConfig(text: string, baseDir: string): Result<KioskConfig, string[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err([`the configuration is not JSON: ${(e as Error).message}`]);
  }
  const parsed = KioskConfigSchema.safeParse(json);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) => {
        const where = i.path.map(String).join('.') || '(the file)';
        return i.code === 'unrecognized_keys'
          ? `${where}: unknown field(s) ${i.keys.join(', ')}`
          : `${where}: ${i.message}`;
      }),
    );
  }
  const c = parsed.data;
  return ok({
    ...c,
    dataDir: rebase(baseDir, c.dataDir),
    trustFile: rebase(baseDir, c.trustFile),
    officialsCa: c.officialsCa.map((p) => rebase(baseDir, p)),
    pkcs11: {
      ...c.pkcs11,
      ...(c.pkcs11.cardModule ? { cardModule: rebase(baseDir, c.pkcs11.cardModule) } : {}),
      ...(c.pkcs11.hsmModule ? { hsmModule: rebase(baseDir, c.pkcs11.hsmModule) } : {}),
    },
    scanners: c.scanners.map((s) => (s.kind === 'serial' ? { ...s, path: rebase(baseDir, s.path) } : s)),
    controller: c.controller ? { ...c.controller, port: rebase(baseDir, c.controller.port) } : null,
  });
}
