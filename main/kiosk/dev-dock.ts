/**
 * The demo's dev dock (demo mode only): the physical world of a kiosk, played through its emulated
 * devices — insert or remove a demo card, hold a demo passport to the scanner, open the enclosure, cut
 * the power, jam the printer, stop or start the embedded ledger. Every change is logged (`dev-dock`).
 */
import type { EmulatedScanner } from '../../drivers/id-scanner/emulator/emulated-scanner';
import type { EmulatedCardReader } from '../../drivers/pkcs11/emulated-card-reader';
import type { CardFile } from '../../drivers/pkcs11/test-ca';
import type { ControllerEmulator } from '../../firmware-bridge/emulator/controller-emulator';
import type { PrinterState } from '../../firmware-bridge/kiosk-protocol';
import { err, ok, type Result } from '../../protocol/result';
import type { CardRole } from '../../protocol/roles';
import type { EventLogger } from '../event-log/event-log';
import type { DevFixtures, RpcError } from '../rpc/api';

export interface DemoCard {
  readonly label: string;
  readonly role: CardRole;
  readonly description: string;
  readonly file: CardFile;
}

export interface DemoDocument {
  readonly name: string;
  readonly description: string;
  /** What the scanner reads (MRZ lines, or AAMVA bytes). */
  readonly content: string;
}

export interface DemoLedgerControl {
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<Result<void, string>>;
}

export interface DevDockOptions {
  readonly reader: EmulatedCardReader;
  readonly scanner: EmulatedScanner;
  readonly emulator: ControllerEmulator | null;
  readonly cards: readonly DemoCard[];
  readonly documents: readonly DemoDocument[];
  readonly hsmPin: string;
  /** The demo election's folder (the official's default path to load). */
  readonly electionDir: string;
  readonly ledger: DemoLedgerControl | null;
  readonly log: EventLogger;
}

const bad = (message: string) => err<RpcError>({ code: 'wrong-state', message });

export class DevDock {
  private inserted: string | null = null;

  constructor(private readonly o: DevDockOptions) {}

  fixtures(): Promise<DevFixtures> {
    const k = this.o.emulator?.snapshot().kiosk;
    return Promise.resolve({
      cards: this.o.cards.map((c) => ({
        label: c.label,
        role: c.role,
        description: c.description,
        pin: c.file.pin,
      })),
      documents: this.o.documents.map((d) => ({ name: d.name, description: d.description })),
      hsmPin: this.o.hsmPin,
      electionDir: this.o.electionDir,
      insertedCard: this.inserted,
      lid: k?.lid ?? 'closed',
      power: k?.power ?? 'mains',
      printer: k?.printer ?? 'offline',
      ledgerRunning: this.o.ledger?.running() ?? false,
    });
  }

  /** The PIN of a demo card (for the demo's own provisioning at start). */
  pinOf(label: string): string {
    const card = this.o.cards.find((c) => c.label === label);
    if (!card) throw new Error(`there is no demo card "${label}"`);
    return card.file.pin;
  }

  private logged(note: string): Result<void, RpcError> {
    this.o.log.event('dev-dock', 'success', `Dev dock: ${note}`);
    return ok(undefined);
  }

  insertCard(label: string): Result<void, RpcError> {
    const card = this.o.cards.find((c) => c.label === label);
    if (!card) return err({ code: 'bad-request', message: `There is no demo card "${label}".` });
    if (this.inserted) return bad(`The card "${this.inserted}" is in the reader: remove it first.`);
    this.o.reader.insert(card.file);
    this.inserted = label;
    return this.logged(`a ${card.role} card was inserted`);
  }

  removeCard(): Result<void, RpcError> {
    if (!this.inserted) return bad('No card is in the reader.');
    this.o.reader.remove(this.inserted);
    this.inserted = null;
    return this.logged('the card was removed');
  }

  scanDocument(name: string): Result<void, RpcError> {
    const doc = this.o.documents.find((d) => d.name === name);
    if (!doc) return err({ code: 'bad-request', message: `There is no demo document "${name}".` });
    if (!this.o.scanner.present(doc.content))
      return bad('The ID scanner is not reading (stopped or unplugged).');
    return this.logged('a demo document was presented to the scanner');
  }

  private emulator(): Result<ControllerEmulator, RpcError> {
    return this.o.emulator ? ok(this.o.emulator) : bad('This demo runs without an enclosure controller.');
  }

  setLid(open: boolean): Result<void, RpcError> {
    const e = this.emulator();
    if (!e.ok) return e;
    if (open) e.value.openLid();
    else e.value.closeLid();
    return this.logged(open ? 'the enclosure was opened' : 'the enclosure was closed');
  }

  setPower(source: 'mains' | 'battery'): Result<void, RpcError> {
    const e = this.emulator();
    if (!e.ok) return e;
    if (source === 'battery') e.value.cutPower();
    else e.value.restorePower();
    return this.logged(source === 'battery' ? 'mains power was cut' : 'mains power was restored');
  }

  setPrinter(state: PrinterState): Result<void, RpcError> {
    const e = this.emulator();
    if (!e.ok) return e;
    e.value.setPrinter(state);
    return this.logged(`the printer is now ${state}`);
  }

  async setLedger(running: boolean): Promise<Result<void, RpcError>> {
    const ledger = this.o.ledger;
    if (!ledger) return bad('This demo has no embedded ledger.');
    if (running === ledger.running()) return ok(undefined);
    if (running) {
      const started = await ledger.start();
      if (!started.ok)
        return err({ code: 'internal', message: `The embedded ledger did not start: ${started.error}` });
    } else {
      await ledger.stop();
    }
    return this.logged(running ? 'the embedded ledger was started' : 'the embedded ledger was stopped');
  }
}
