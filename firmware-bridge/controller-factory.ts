/**
 * Builds a PeripheralController: over a serial port (a real controller, or a socat pty with the
 * emulator on the far end), or over an in-memory link to an in-process emulator (kiosk demo mode, and
 * tests that need no pty). Both run the same SMP code; only the link differs.
 */
import { createMemoryLinkPair } from './byte-link';
import { ControllerEmulator, type EmulatorOptions } from './emulator/controller-emulator';
import { SmpPeripheralController, type SmpControllerOptions } from './peripheral-controller';
import { SerialLink, type SerialLinkOptions } from './serial-link';

export function serialController(
  link: SerialLinkOptions,
  options: SmpControllerOptions = {},
): SmpPeripheralController {
  return new SmpPeripheralController(new SerialLink(link), options);
}

/**
 * An in-process emulator wired to a controller. The emulator is already serving; call
 * `controller.connect()`. Drive the enclosure with the emulator (openLid, cutPower, setPrinter, faults).
 */
export async function emulatedController(
  options: { readonly emulator?: EmulatorOptions; readonly controller?: SmpControllerOptions } = {},
): Promise<{ readonly controller: SmpPeripheralController; readonly emulator: ControllerEmulator }> {
  const pair = createMemoryLinkPair({
    host: 'in-process controller emulator',
    device: 'kiosk host (in-process)',
  });
  const emulator = new ControllerEmulator(options.emulator);
  const attached = await emulator.attach(pair.device);
  if (!attached.ok) throw new Error(`the in-process emulator could not attach: ${attached.error}`);
  return { controller: new SmpPeripheralController(pair.host, options.controller), emulator };
}
