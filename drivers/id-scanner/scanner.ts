/**
 * The one interface every identity document scanner has (DESIGN §1: hardware behind interfaces), for
 * the serial, HID POS and emulated transports alike. The kiosk backend listens for `document` events;
 * each carries the raw bytes and either the parsed IdDocument or the reason it was refused.
 *
 * Privacy (DESIGN §8): `document` events hold personal data and are for the voter session only; the
 * `error` events and diagnostics never do, so they may be logged.
 */
import type { DeviceDiagnostics } from '../diagnostics';
import type { Result } from '../../protocol/result';
import type { DocumentRefusal, IdDocument } from './id-document';

/** Error counts in diagnostics are keyed by these kinds. */
export type ScannerErrorKind =
  | 'framing' // bytes that do not form a frame of the configured framing
  | 'checksum' // a frame whose checksum (SSI, STX/ETX BCC) does not match
  | 'parse' // a complete frame that is no readable identity document
  | 'disconnect' // the reader went away (unplugged, port closed)
  | 'nak' // the reader refused a command (SSI CMD_NAK)
  | 'timeout' // the reader did not answer a command
  | 'protocol' // a well-formed but unexpected message
  | 'io'; // the operating system refused to open, read or write

export interface DocumentScan {
  readonly raw: Uint8Array;
  /** Symbology reported by the reader (`PDF417`, `]L0`, `OCR-B`), when the transport carries one. */
  readonly symbology: string | null;
  readonly result: Result<IdDocument, DocumentRefusal>;
  /** From the document's first byte to the parsed result. */
  readonly latencyMs: number;
  /** ISO 8601 time the document was complete. */
  readonly at: string;
  /**
   * `self-test` for a document read while a diagnostics read test was waiting: a technician's test
   * card, never a voter. The kiosk backend ignores those for voter sessions.
   */
  readonly purpose: 'scan' | 'self-test';
}

export interface ScannerError {
  readonly kind: ScannerErrorKind;
  /** What went wrong and, where possible, what to do; never document content. */
  readonly message: string;
}

export interface ScannerEvents {
  readonly document: DocumentScan;
  readonly error: ScannerError;
  readonly connected: { readonly description: string };
  readonly disconnected: { readonly reason: string };
}

export type ScannerEventName = keyof ScannerEvents;

export interface DiagnosticsOptions {
  /**
   * For readers that cannot be asked for anything (line and STX/ETX framings, HID POS): how long the
   * read test waits for a document to be presented. 0 (default) reports the last good read instead.
   * SSI readers are asked for their revision; emulated readers read their built-in test document.
   */
  readonly readTestTimeoutMs?: number;
}

export interface IdScanner {
  /** Stable id within the kiosk, e.g. `scanner-serial-0`. */
  readonly id: string;
  readonly transport: 'serial' | 'hid' | 'emulated';
  /** Opens the device and starts reading; refuses with a message a technician can act on. */
  start(): Promise<Result<void, string>>;
  /** Stops reading and releases the device; safe to call twice. */
  stop(): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  on<K extends ScannerEventName>(event: K, listener: (e: ScannerEvents[K]) => void): () => void;
  diagnostics(options?: DiagnosticsOptions): Promise<DeviceDiagnostics>;
}
