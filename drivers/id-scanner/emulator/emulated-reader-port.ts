/**
 * Puts an emulated reader on a real serial port: the far end of a socat pseudo-terminal pair in the
 * transport tests (DESIGN §1), or a USB-serial adapter looped to a kiosk for bench testing.
 */
import { SerialPort } from 'serialport';
import { err, ok, type Result } from '../../../protocol/result';
import type { SerialFraming } from '../serial-protocol';
import { SerialDeviceEmulator, type SerialDeviceEmulatorOptions } from './serial-device-emulator';

export interface EmulatedReaderPort {
  readonly device: SerialDeviceEmulator;
  /** Device-side errors seen so far (corrupted host packets). */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

export async function openEmulatedReaderPort(
  path: string,
  framing: SerialFraming,
  options: Omit<SerialDeviceEmulatorOptions, 'framing' | 'write' | 'onError'> = {},
): Promise<Result<EmulatedReaderPort, string>> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  const failed = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
  if (failed) return err(`could not open ${path} for the emulated reader: ${failed.message}`);
  const errors: string[] = [];
  const device = new SerialDeviceEmulator({
    ...options,
    framing,
    write: (bytes) => port.write(Buffer.from(bytes)),
    onError: (m) => errors.push(m),
  });
  port.on('data', (chunk: Buffer) =>
    device.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
  );
  // The far end going away (the pair torn down) just ends the emulator.
  port.on('close', () => device.close());
  port.on('error', (e: Error) => errors.push(e.message));
  return ok({
    device,
    errors,
    close: async () => {
      device.close();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  });
}
