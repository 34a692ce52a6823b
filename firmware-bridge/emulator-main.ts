/**
 * The controller emulator as a standalone process, so `ogas controller info --port` can be tried by
 * hand (README "Trying it by hand"):
 *
 *   node --import tsx firmware-bridge/emulator-main.ts --pty /tmp/ogas-controller
 *       starts socat itself: the host end is /tmp/ogas-controller, the emulator takes the other end;
 *   node --import tsx firmware-bridge/emulator-main.ts --port /tmp/ogas-device
 *       serves an end you made yourself (socat -d -d pty,raw,echo=0,link=/tmp/ogas-host
 *       pty,raw,echo=0,link=/tmp/ogas-device).
 *
 * Options: --firmware VERSION, --buf-size BYTES, --plain (no kiosk group: a plain Zephyr/MCUboot
 * device), --smp-v1 (refuses SMP version 2), --seed N. Commands on stdin drive it (type help). It
 * stops on SIGINT/SIGTERM or when stdin ends with --exit-on-eof, stopping the socat it started.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { ControllerEmulator } from './emulator/controller-emulator';
import { runConsoleCommand } from './emulator/console-commands';
import { startSocatPair, type SocatPair } from './emulator/socat-pair';
import { SerialLink } from './serial-link';

const USAGE =
  'usage: node --import tsx firmware-bridge/emulator-main.ts (--pty HOST_PATH | --port DEVICE_PATH)\n' +
  '       [--firmware VERSION] [--buf-size BYTES] [--plain] [--smp-v1] [--seed N] [--exit-on-eof]';

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number, not "${text}"`);
  return n;
}

async function run(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        pty: { type: 'string' },
        port: { type: 'string' },
        firmware: { type: 'string' },
        'buf-size': { type: 'string' },
        plain: { type: 'boolean', default: false },
        'smp-v1': { type: 'boolean', default: false },
        seed: { type: 'string' },
        'exit-on-eof': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if ((values.pty === undefined) === (values.port === undefined))
    fail('give exactly one of --pty and --port');
  const bufSize = intOption(values['buf-size'], 'buf-size');
  const seed = intOption(values.seed, 'seed');
  let emulator: ControllerEmulator;
  try {
    emulator = new ControllerEmulator({
      kioskGroup: !values.plain,
      supportsSmpV2: !values['smp-v1'],
      ...(values.firmware === undefined ? {} : { firmwareVersion: values.firmware }),
      ...(bufSize === undefined ? {} : { bufSize }),
      ...(seed === undefined ? {} : { seed }),
    });
  } catch (e) {
    fail((e as Error).message);
  }

  let socat: SocatPair | null = null;
  let devicePath = values.port ?? '';
  if (values.pty !== undefined) {
    devicePath = `${values.pty}.device`;
    const started = await startSocatPair(values.pty, devicePath);
    if (!started.ok) fail(started.error);
    socat = started.value;
  }
  const attached = await emulator.attach(new SerialLink({ path: devicePath }));
  if (!attached.ok) {
    await socat?.stop();
    fail(attached.error);
  }
  const hostPath = values.pty ?? '(the other end of your pty pair)';
  process.stderr.write(
    `OGAS controller emulator serving ${devicePath} (firmware ${emulator.snapshot().images[0]?.version ?? '?'}, ` +
      `kiosk group ${values.plain ? 'off' : 'on'}${socat ? `, socat pid ${socat.pid}` : ''})\n` +
      `try: node bin/ogas.mjs controller info --port ${hostPath}\n` +
      'type help for commands\n',
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await emulator.detach();
    await socat?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const r = runConsoleCommand(emulator, line);
    if (r.ok) {
      if (r.value !== '') process.stdout.write(`${r.value}\n`);
    } else process.stderr.write(`${r.error}\n`);
  });
  lines.on('close', () => {
    if (values['exit-on-eof']) void stop(0);
  });
}

void run();
