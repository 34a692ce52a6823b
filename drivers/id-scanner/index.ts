// The identity document scanner driver: what the kiosk backend and the CLI use (README.md here).
export type { DocumentFormat, DocumentRefusal, IdDocument, Sex } from './id-document';
export { documentCredentialKey } from './id-document';
export {
  detectFormat,
  parseDocument,
  MAX_DOCUMENT_BYTES,
  type FormatChoice,
  type ParseDocumentOptions,
} from './parse-document';
export { parseMrz } from './mrz-parse';
export { parseAamva } from './aamva-parse';
export { encodeMrz, type MrzFields } from './mrz-encode';
export { encodeAamvaCard, encodeAamvaFile, type AamvaCard, type AamvaFileSpec } from './aamva-encode';
export type {
  DiagnosticsOptions,
  DocumentScan,
  IdScanner,
  ScannerError,
  ScannerErrorKind,
  ScannerEventName,
  ScannerEvents,
} from './scanner';
export { createSerialScanner, type SerialScannerOptions } from './serial-scanner';
export { SERIAL_FRAMINGS, type SerialFraming } from './serial-protocol';
export {
  createHidScanner,
  listHidReaders,
  nodeHidBackend,
  type HidBackend,
  type HidScannerOptions,
} from './hid-scanner';
export { findHidReaders, keyboardWedgeAdvice, type HidDeviceInfo, type HidReader } from './hid-devices';
export { HID_POS_LAYOUTS, type HidPosLayout } from './framing/hid-pos';
export {
  createEmulatedScanner,
  SPECIMEN_PASSPORT_MRZ,
  type EmulatedFraming,
  type EmulatedScanner,
  type EmulatedScannerOptions,
} from './emulator/emulated-scanner';
export { openEmulatedReaderPort, type EmulatedReaderPort } from './emulator/emulated-reader-port';
