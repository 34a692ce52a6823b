/**
 * Factories the kiosk backend's composition root uses: the real card reader and HSM over PKCS#11
 * modules (one Pkcs11Host per module, shared when both use the same library), or the emulated ones for
 * the demo and tests, behind the same CardReader and Hsm interfaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardReader } from './card-reader';
import { EmulatedCardReader } from './emulated-card-reader';
import { EmulatedHsm, type EmulatedHsmOptions } from './emulated-hsm';
import type { Hsm } from './hsm';
import { Pkcs11CardReader } from './pkcs11-card-reader';
import { Pkcs11Hsm } from './pkcs11-hsm';
import { OPENSC_MODULE, Pkcs11Host, SOFTHSM2_MODULE } from './pkcs11-host';
import { parseCardFile, type CardFile } from './test-ca';

export interface Pkcs11DevicesConfig {
  /** The card readers' PKCS#11 library (OpenSC through pcscd by default). */
  readonly cardModule?: string;
  /** The HSM's PKCS#11 library (SoftHSM2 by default; a vendor's library on a kiosk with a hardware HSM). */
  readonly hsmModule?: string;
  /** The HSM token's label (never a slot number). */
  readonly hsmTokenLabel: string;
  readonly hsmKeyLabel?: string;
}

export interface KioskDevices {
  readonly cardReader: CardReader;
  readonly hsm: Hsm;
  /** Locks the HSM, closes card sessions and finalises every module. */
  close(): Promise<void>;
}

/** The real devices. Call once per process (a second open of the same module throws: one owner). */
export function openPkcs11Devices(config: Pkcs11DevicesConfig): KioskDevices {
  const cardModule = config.cardModule ?? OPENSC_MODULE;
  const hsmModule = config.hsmModule ?? SOFTHSM2_MODULE;
  const cardHost = Pkcs11Host.open(cardModule);
  const shared = cardModule === hsmModule;
  const hsmHost = shared ? cardHost : Pkcs11Host.open(hsmModule);
  const cardReader = new Pkcs11CardReader(cardHost, shared ? { ignoreLabels: [config.hsmTokenLabel] } : {});
  const hsm = new Pkcs11Hsm(hsmHost, {
    tokenLabel: config.hsmTokenLabel,
    ...(config.hsmKeyLabel ? { keyLabel: config.hsmKeyLabel } : {}),
  });
  return {
    cardReader,
    hsm,
    async close() {
      await hsm.close();
      await cardReader.close();
      await cardHost.close();
      if (!shared) await hsmHost.close();
    },
  };
}

export interface EmulatedDevices extends KioskDevices {
  readonly cardReader: EmulatedCardReader;
  readonly hsm: EmulatedHsm;
}

/** The emulated devices for the demo and tests; cards are inserted with `cardReader.insert(file)`. */
export function openEmulatedDevices(hsm: EmulatedHsmOptions): EmulatedDevices {
  const cardReader = new EmulatedCardReader();
  const emulatedHsm = new EmulatedHsm(hsm);
  return {
    cardReader,
    hsm: emulatedHsm,
    async close() {
      await emulatedHsm.close();
      await cardReader.close();
    },
  };
}

/** Reads every `*.json` card file in `dir` (as `ogas election demo` writes them in `cards/`). */
export function loadCardFiles(dir: string): CardFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      try {
        return parseCardFile(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
      }
    });
}
