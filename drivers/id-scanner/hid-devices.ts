/**
 * Which attached HID devices are document readers, and in which mode.
 *
 * - HID POS mode (usage page 0x8C, "Bar Code Scanner" in the USB HID Point of Sale Usage Tables): the
 *   reader sends its data in input reports only this program reads. Accepted.
 * - Keyboard-wedge mode (usage page 0x01 Generic Desktop, usage 0x06 Keyboard): the reader types its
 *   data as keystrokes into whatever has focus, so a crafted bar code could type into the kiosk. Not
 *   accepted: diagnostics say how to switch the reader.
 * A keyboard counts as a reader when its USB vendor makes document/bar code readers or its product
 * name says so; other keyboards are left alone (a technician's keyboard is not a scanner).
 */

/** What node-hid reports for a device (subset). */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly release?: number;
  readonly interface?: number;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
}

export const HID_POS_USAGE_PAGE = 0x8c;
const GENERIC_DESKTOP = 0x01;
const KEYBOARD_USAGE = 0x06;

/** USB vendor ids of bar code and document reader makers. */
const READER_VENDORS: Readonly<Record<number, string>> = {
  0x05e0: 'Zebra (Symbol)',
  0x0c2e: 'Honeywell',
  0x0536: 'Hand Held Products',
  0x05f9: 'Datalogic',
  0x0db5: 'Access IS',
  0x1eab: 'Newland',
};

export type HidReaderMode = 'hid-pos' | 'keyboard-wedge';

export interface HidReader {
  readonly mode: HidReaderMode;
  readonly device: HidDeviceInfo;
  /** `Honeywell Xenon 1902 (0c2e:0b87)` */
  readonly label: string;
}

export const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function label(d: HidDeviceInfo): string {
  const maker = d.manufacturer ?? READER_VENDORS[d.vendorId] ?? 'unknown maker';
  return `${maker} ${d.product ?? 'reader'} (${hex4(d.vendorId)}:${hex4(d.productId)})`;
}

function looksLikeReader(d: HidDeviceInfo): boolean {
  return (
    READER_VENDORS[d.vendorId] !== undefined ||
    /scan|barcode|bar code|imager|reader|ocr|mrz/i.test(`${d.product ?? ''}`)
  );
}

/** The document readers among `devices`, with their mode. */
export function findHidReaders(devices: readonly HidDeviceInfo[]): HidReader[] {
  const out: HidReader[] = [];
  for (const d of devices) {
    if (d.usagePage === HID_POS_USAGE_PAGE) out.push({ mode: 'hid-pos', device: d, label: label(d) });
    else if (d.usagePage === GENERIC_DESKTOP && d.usage === KEYBOARD_USAGE && looksLikeReader(d)) {
      out.push({ mode: 'keyboard-wedge', device: d, label: label(d) });
    }
  }
  return out;
}

/** What a technician does about a reader in keyboard-wedge mode. */
export function keyboardWedgeAdvice(reader: HidReader): string {
  return (
    `${reader.label} is in keyboard (HID keyboard wedge) mode: it types into whatever has focus, so the kiosk ` +
    `does not accept it. Scan the "USB HID POS" (HID Point of Sale) programming bar code from the reader's ` +
    `programming guide, or its "USB CDC / virtual COM port" code to use it as a serial reader, then reconnect it.`
  );
}
