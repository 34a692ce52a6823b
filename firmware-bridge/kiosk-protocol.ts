/**
 * The OGAS kiosk group: SMP group 64 (`MGMT_GROUP_ID_PERUSER`, the first user group, SMP Protocol
 * Specification §Management Group IDs), spoken by the enclosure controller's firmware and by our
 * emulator. firmware-bridge/README.md documents it for firmware writers; this file is its one source
 * in code: command ids, field names, value sets, limits, error codes, and the schemas both sides use to
 * parse what they receive.
 *
 * Bodies are CBOR maps with text keys, like every standard group, so a Zephyr handler decodes them with
 * `zcbor_map_decode_bulk` as os_mgmt and img_mgmt do.
 */
import { z } from 'zod';

export const KIOSK_GROUP = 64;

export const KIOSK_CMD = { status: 0, print: 1, light: 2, events: 3 } as const;

export const LID_STATES = ['closed', 'open'] as const;
export const POWER_SOURCES = ['mains', 'battery'] as const;
export const PRINTER_STATES = ['ready', 'jammed', 'paper-out', 'offline'] as const;
export const LIGHT_COLOURS = ['off', 'green', 'amber', 'red', 'blue', 'white'] as const;
export const LIGHT_PATTERNS = ['solid', 'blink', 'pulse'] as const;
export const EVENT_TYPES = [
  'tamper-opened',
  'tamper-closed',
  'power-lost',
  'power-restored',
  'battery-low',
  'printer-jammed',
  'printer-paper-out',
  'printer-ready',
] as const;

export type LidState = (typeof LID_STATES)[number];
export type PowerSource = (typeof POWER_SOURCES)[number];
export type PrinterState = (typeof PRINTER_STATES)[number];
export type LightColour = (typeof LIGHT_COLOURS)[number];
export type LightPattern = (typeof LIGHT_PATTERNS)[number];
export type KioskEventType = (typeof EVENT_TYPES)[number];

/** Limits a receipt must respect (the printer is 58 mm, 32–48 columns; the QR holds a URL or code). */
export const RECEIPT_LIMITS = { maxLines: 40, maxLineBytes: 64, maxQrBytes: 256 } as const;
/** Most events one EVENTS answer carries, and the default when the request names none. */
export const EVENTS_MAX = 16;
export const EVENTS_DEFAULT = 8;
/** Battery level under which the controller raises `battery-low` (once per crossing). */
export const BATTERY_LOW_PERCENT = 20;

/**
 * Group error codes (SMP version 2 `err: {group: 64, rc}`), and the legacy `rc` (`enum mcumgr_err_t`)
 * a firmware answers instead to an SMP version 1 request, as Zephyr's groups translate theirs.
 */
export const KIOSK_ERR = {
  unknown: 1,
  invalidArgument: 2,
  printerJammed: 3,
  printerPaperOut: 4,
  printerOffline: 5,
  receiptTooLarge: 6,
  lightInvalid: 7,
} as const;
export type KioskErrorCode = (typeof KIOSK_ERR)[keyof typeof KIOSK_ERR];

export const KIOSK_ERROR_TABLE: Readonly<
  Record<number, { name: string; message: string; legacyRc: number }>
> = {
  1: { name: 'UNKNOWN', message: 'the controller failed for an unknown reason', legacyRc: 1 },
  2: { name: 'INVALID_ARGUMENT', message: 'a request field is missing or has the wrong type', legacyRc: 3 },
  3: {
    name: 'PRINTER_JAMMED',
    message: 'the receipt printer is jammed: open the cover and clear the paper',
    legacyRc: 6,
  },
  4: {
    name: 'PRINTER_PAPER_OUT',
    message: 'the receipt printer is out of paper: load a new roll',
    legacyRc: 6,
  },
  5: {
    name: 'PRINTER_OFFLINE',
    message: 'the receipt printer does not answer the controller: check its cable',
    legacyRc: 6,
  },
  6: {
    name: 'RECEIPT_TOO_LARGE',
    message: 'the receipt has too many lines, a line too long or a QR payload too long',
    legacyRc: 3,
  },
  7: {
    name: 'LIGHT_INVALID',
    message: 'the status light colour or pattern is not one the controller knows',
    legacyRc: 3,
  },
};

const uint = z.number().int().min(0).max(0xffffffff);

// ---- requests (parsed by the device side) ----

export const statusRequestSchema = z.object({}).loose();

export const printRequestSchema = z
  .object({
    job: uint.min(1),
    lines: z.array(z.string()),
    qr: z.string().optional(),
  })
  .loose();

export const lightRequestSchema = z.object({ colour: z.string(), pattern: z.string() }).loose();

export const eventsRequestSchema = z.object({ after: uint, max: uint.optional() }).loose();

// ---- responses (parsed by the host side) ----

export const statusResponseSchema = z
  .object({
    lid: z.enum(LID_STATES),
    tamper: uint,
    power: z.enum(POWER_SOURCES),
    battery: z.number().int().min(0).max(100),
    charging: z.boolean(),
    printer: z.enum(PRINTER_STATES),
    colour: z.enum(LIGHT_COLOURS),
    pattern: z.enum(LIGHT_PATTERNS),
    boot: uint,
    evseq: uint,
  })
  .loose();

export const printResponseSchema = z.object({ job: uint, dup: z.boolean().optional() }).loose();

export const eventSchema = z.object({ seq: uint.min(1), type: z.enum(EVENT_TYPES), ms: uint }).loose();

export const eventsResponseSchema = z
  .object({ boot: uint, events: z.array(eventSchema).max(EVENTS_MAX), last: uint, lost: uint })
  .loose();

/** Bytes of `s` in UTF-8, the unit the receipt limits count in. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Checks a receipt against RECEIPT_LIMITS; the same rule on both sides. */
export function receiptProblem(lines: readonly string[], qr: string | undefined): string | null {
  if (lines.length === 0) return 'a receipt needs at least one line';
  if (lines.length > RECEIPT_LIMITS.maxLines)
    return `a receipt has at most ${RECEIPT_LIMITS.maxLines} lines (this one has ${lines.length})`;
  const long = lines.findIndex((l) => utf8Length(l) > RECEIPT_LIMITS.maxLineBytes);
  if (long >= 0) return `receipt line ${long + 1} is longer than ${RECEIPT_LIMITS.maxLineBytes} bytes`;
  if (lines.some(hasControlCharacter)) return 'receipt lines may not hold control characters';
  if (qr !== undefined && (qr.length === 0 || utf8Length(qr) > RECEIPT_LIMITS.maxQrBytes))
    return `a QR payload holds 1 to ${RECEIPT_LIMITS.maxQrBytes} bytes`;
  return null;
}

/** C0 controls and DEL would reach the printer as commands (ESC/POS), so receipts may not carry them. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
