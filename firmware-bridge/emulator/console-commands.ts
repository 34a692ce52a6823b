/**
 * One-line commands that drive a standalone emulator by hand (emulator-main.ts reads them on stdin):
 * the same controls the dev dock and tests use, in words.
 */
import { err, ok, type Result } from '../../protocol/result';
import { PRINTER_STATES, type PrinterState } from '../kiosk-protocol';
import type { ControllerEmulator } from './controller-emulator';

export const CONSOLE_HELP = [
  'lid open|close            open or close the enclosure lid (tamper switch)',
  'power cut|restore         lose or restore mains power (runs on the UPS)',
  'battery PERCENT           set the UPS battery level (0-100)',
  'printer ready|jammed|paper-out|offline',
  'fault drop N              drop the next N answers',
  'fault corrupt N           send the next N answers with a bad CRC',
  'fault delay MS            delay every answer',
  'fault frames P            drop each answer frame with probability P (0-1)',
  'fault clear               remove all faults',
  'unplug MS                 close the line for MS milliseconds',
  'reset                     restart the controller',
  'status                    print the emulator state as JSON',
].join('\n');

/** Runs one command line; returns what to print, or why the line was not understood. */
export function runConsoleCommand(emulator: ControllerEmulator, line: string): Result<string, string> {
  const words = line.trim().split(/\s+/);
  const [word, arg] = words;
  if (word === undefined || word === '') return ok('');
  if (words.length > (word === 'fault' ? 3 : 2)) return err(`too many words in "${line.trim()}"; type help`);
  const count = (what: string, max: number): Result<number, string> => {
    const n = Number(arg);
    return arg !== undefined && Number.isInteger(n) && n >= 0 && n <= max
      ? ok(n)
      : err(`${what} must be a whole number from 0 to ${max}`);
  };
  switch (word) {
    case 'help':
      return ok(CONSOLE_HELP);
    case 'lid':
      if (arg === 'open') emulator.openLid();
      else if (arg === 'close') emulator.closeLid();
      else return err('lid open or lid close');
      return ok(`lid ${emulator.snapshot().kiosk.lid}`);
    case 'power':
      if (arg === 'cut') emulator.cutPower();
      else if (arg === 'restore') emulator.restorePower();
      else return err('power cut or power restore');
      return ok(`power ${emulator.snapshot().kiosk.power}`);
    case 'battery': {
      const n = count('battery', 100);
      if (!n.ok) return n;
      emulator.setBattery(n.value);
      return ok(`battery ${n.value} %`);
    }
    case 'printer': {
      const state = PRINTER_STATES.find((s) => s === arg);
      if (state === undefined) return err(`printer ${PRINTER_STATES.join('|')}`);
      emulator.setPrinter(state satisfies PrinterState);
      return ok(`printer ${state}`);
    }
    case 'fault':
      return fault(emulator, arg, words[2]);
    case 'unplug': {
      const n = count('unplug time', 600_000);
      if (!n.ok) return n;
      void emulator.disconnect(n.value);
      return ok(`unplugged for ${n.value} ms`);
    }
    case 'reset':
      emulator.reset();
      return ok('resetting');
    case 'status':
      return ok(JSON.stringify(emulator.snapshot(), null, 2));
    default:
      return err(`unknown command "${word}"; type help`);
  }
}

function fault(
  emulator: ControllerEmulator,
  kind: string | undefined,
  value: string | undefined,
): Result<string, string> {
  const n = Number(value);
  const whole = value !== undefined && Number.isInteger(n) && n >= 0;
  switch (kind ?? '') {
    case 'drop':
      if (!whole) return err('fault drop N');
      emulator.faults.dropNextAnswers(n);
      return ok(`dropping the next ${n} answers`);
    case 'corrupt':
      if (!whole) return err('fault corrupt N');
      emulator.faults.corruptNextAnswers(n);
      return ok(`corrupting the next ${n} answers`);
    case 'delay':
      if (!whole) return err('fault delay MS');
      emulator.faults.setDelay(n);
      return ok(`delaying answers by ${n} ms`);
    case 'frames':
      if (value === undefined || !(n >= 0 && n <= 1)) return err('fault frames P, with P from 0 to 1');
      emulator.faults.setFrameDropRate(n);
      return ok(`dropping answer frames with probability ${n}`);
    case 'clear':
      emulator.faults.clear();
      return ok('faults cleared');
    default:
      return err('fault drop|corrupt|delay|frames|clear');
  }
}
