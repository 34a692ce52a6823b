/**
 * A kiosk on its real devices (DESIGN §1, §2): card readers and the HSM over PKCS#11 (one owner per
 * module, calls in a worker thread), ID scanners over serial or HID, the enclosure controller over its
 * serial port; the trust file and officials' CAs from the configuration (kiosk-config.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHidScanner } from '../../drivers/id-scanner/hid-scanner';
import type { IdScanner } from '../../drivers/id-scanner/scanner';
import { createSerialScanner } from '../../drivers/id-scanner/serial-scanner';
import { openPkcs11Devices } from '../../drivers/pkcs11/devices';
import { serialController } from '../../firmware-bridge/controller-factory';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { parseTrustFileText } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import { EventLog } from '../event-log/event-log';
import { Store } from '../store';
import { Kiosk } from './kiosk';
import type { KioskConfig } from './kiosk-config';
import { EVENT_LOG_FILE, loadKioskSecrets, STORE_FILE } from './kiosk-files';

export interface RealKiosk {
  readonly kiosk: Kiosk;
  close(): Promise<void>;
}

async function readText(path: string, what: string): Promise<Result<string, string>> {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (e) {
    return err(`${what} ${path} cannot be read: ${(e as Error).message}`);
  }
}

function scannerOf(s: KioskConfig['scanners'][number], i: number): IdScanner {
  if (s.kind === 'serial') {
    return createSerialScanner({
      path: s.path,
      framing: s.framing,
      id: s.id ?? `scanner-serial-${i}`,
      ...(s.baudRate ? { baudRate: s.baudRate } : {}),
    });
  }
  return createHidScanner({
    id: s.id ?? `scanner-hid-${i}`,
    ...(s.path ? { path: s.path } : {}),
    ...(s.vendorId ? { vendorId: Number.parseInt(s.vendorId, 16) } : {}),
    ...(s.productId ? { productId: Number.parseInt(s.productId, 16) } : {}),
  });
}

export async function startRealKiosk(
  config: KioskConfig,
  version: string,
  onLog?: (line: string) => void,
): Promise<Result<RealKiosk, string>> {
  const trustText = await readText(config.trustFile, 'the trust file');
  if (!trustText.ok) return trustText;
  const trust = parseTrustFileText(trustText.value);
  if (!trust.ok)
    return err(`the trust file ${config.trustFile}: ${trust.error.map(formatProblem).join('; ')}`);
  const officialsCa: string[] = [];
  for (const p of config.officialsCa) {
    const pem = await readText(p, "the officials' CA certificate");
    if (!pem.ok) return pem;
    officialsCa.push(pem.value);
  }
  const secrets = await loadKioskSecrets(config.dataDir);
  if (!secrets.ok) return secrets;
  const store = Store.open(join(config.dataDir, STORE_FILE));
  if (!store.ok) return store;
  const eventLog = new EventLog(
    join(config.dataDir, EVENT_LOG_FILE),
    onLog ? { onAppend: (r) => onLog(JSON.stringify(r)) } : {},
  );
  let pkcs11: ReturnType<typeof openPkcs11Devices>;
  try {
    pkcs11 = openPkcs11Devices({
      hsmTokenLabel: config.pkcs11.hsmTokenLabel,
      ...(config.pkcs11.cardModule ? { cardModule: config.pkcs11.cardModule } : {}),
      ...(config.pkcs11.hsmModule ? { hsmModule: config.pkcs11.hsmModule } : {}),
      ...(config.pkcs11.hsmKeyLabel ? { hsmKeyLabel: config.pkcs11.hsmKeyLabel } : {}),
    });
  } catch (e) {
    store.value.close();
    eventLog.close();
    return err(`the PKCS#11 modules could not be opened: ${(e as Error).message}`);
  }
  const controller = config.controller
    ? serialController({
        path: config.controller.port,
        ...(config.controller.baudRate ? { baudRate: config.controller.baudRate } : {}),
      })
    : null;
  const started = await Kiosk.start({
    mode: 'real',
    dataDir: config.dataDir,
    version,
    store: store.value,
    eventLog,
    devices: {
      reader: pkcs11.cardReader,
      hsm: pkcs11.hsm,
      scanners: config.scanners.map(scannerOf),
      controller,
    },
    trust: trust.value,
    officialsCa,
    ...(config.ledgerUrl ? { ledgerUrl: config.ledgerUrl } : {}),
    attemptSecret: secrets.value.attemptSecret,
    machineId: secrets.value.machineId,
    verifier: fastestMlDsaVerifier(nobleVerifier).verifier,
    clock: Date.now,
  });
  if (!started.ok) {
    await pkcs11.close();
    store.value.close();
    eventLog.close();
    return started;
  }
  return ok({
    kiosk: started.value,
    close: async () => {
      await started.value.close();
      await pkcs11.close();
      store.value.close();
      eventLog.close();
    },
  });
}
