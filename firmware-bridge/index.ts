/**
 * The firmware bridge's public face (README.md "Interface for the kiosk backend"): the controller
 * interface and its factories, the emulator for demo and tests, and the lower layers for tools.
 */
export type {
  ControllerError,
  ControllerHealth,
  ControllerInfo,
  PeripheralController,
  SmpControllerOptions,
} from './peripheral-controller';
export { SmpPeripheralController } from './peripheral-controller';
export { emulatedController, serialController } from './controller-factory';
export type { ControllerEvent } from './controller-monitor';
export type { DeviceEvent, KioskStatus, Receipt, StatusLight } from './kiosk-group';
export type { FirmwareUpdateFailure, FirmwareUpdateOptions, FirmwareUpdateReport } from './firmware-update';
export type { UploadFailure, UploadOptions, UploadProgress, UploadReport } from './image-upload';
export type { ImageSlot, McumgrParams } from './mcumgr-commands';
export {
  EVENT_TYPES,
  KIOSK_CMD,
  KIOSK_ERR,
  KIOSK_GROUP,
  LIGHT_COLOURS,
  LIGHT_PATTERNS,
  PRINTER_STATES,
  RECEIPT_LIMITS,
  type KioskEventType,
  type LightColour,
  type LightPattern,
  type PrinterState,
} from './kiosk-protocol';

export {
  ControllerEmulator,
  type EmulatorOptions,
  type EmulatorSnapshot,
} from './emulator/controller-emulator';
export type { FaultInjector, FaultTarget } from './emulator/fault-injector';
export type { KioskSnapshot, PrintedReceipt } from './emulator/kiosk-device-model';
export { startSocatPair, type SocatPair } from './emulator/socat-pair';

export { buildMcubootImage, parseMcubootImage, parseVersion, type ImageVersion } from './mcuboot-image';
export { SmpClient, type SmpClientOptions, type SmpFailure, type SmpRequest } from './smp-client';
export type { SmpDeviceError } from './smp-errors';
export { createMemoryLinkPair, type ByteLink } from './byte-link';
export { SerialLink, type SerialLinkOptions } from './serial-link';
export { FrameDecoder, type FrameEvent, type FramingErrorCode } from './frame-decoder';
export { encodeFrames, encodePacketForSerial } from './serial-framing';
