/**
 * `ogas kiosk [--demo [--fresh]] [--port N] [--data DIR] [--config FILE]` (DESIGN §10): start the kiosk backend
 * and serve the UI; what `npm start` runs (with --demo). It runs until SIGINT/SIGTERM, then stops
 * everything it started (server, devices, queue, embedded ledger and witnesses) and exits 0.
 *
 * Demo mode: emulated devices, the demo election, an embedded ledger, provisioned at first start; prints
 * the address to open (with the one-time token in its fragment) and the demo cards, PINs and passports.
 * Its state is kept in the data folder across restarts, as on a real kiosk: a restarted demo kiosk is
 * locked until an official enters the HSM PIN. `--fresh` starts over (the demo election is kept).
 * Real mode: `--config FILE` (main/kiosk/kiosk-config.ts) names the PKCS#11 modules, scanners,
 * controller port, ledger and trust file; it prints the address for the kiosk shell.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseKioskConfig } from '../kiosk/kiosk-config';
import { startKioskServer } from '../kiosk/kiosk-server';
import { startRealKiosk } from '../kiosk/real-kiosk';
import { demoInstructions, startDemo } from '../kiosk/run-demo';
import {
  EXIT,
  FaultError,
  parseOptions,
  UsageError,
  writeLine,
  type CliIo,
  type CommandGroup,
  parsePort,
} from './command';

const VERSION = '0.1.0';

async function untilStopped(io: CliIo): Promise<void> {
  if (!io.stopSignal.aborted)
    await new Promise((r) => io.stopSignal.addEventListener('abort', r, { once: true }));
}

export const kioskCommand: CommandGroup = {
  kind: 'single',
  summary:
    'start the kiosk backend and serve the UI (--demo: emulated devices, demo election, embedded ledger)',
  usage: '--demo [--fresh] [--port N] [--data DIR] [--json]\n--config FILE [--port N] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      demo: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      port: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const port = parsePort(values.port, undefined);
    if (values.demo && values.config) throw new UsageError('--demo and --config exclude each other');
    if (!values.demo && !values.config)
      throw new UsageError('give --demo, or --config FILE for a real kiosk');
    if (values.fresh && !values.demo)
      throw new UsageError('--fresh is for --demo only: a real kiosk is wiped by an official (unconfigure)');
    // One line of JSON: the Electron shell reads it to learn the address and token (main/electron).
    const jsonLine = (o: unknown) => writeLine(io.stdout, JSON.stringify(o));

    if (values.demo) {
      // Default: .ogas-demo in the current folder (git-ignored in this repository).
      const dataDir = resolve(values.data ?? '.ogas-demo');
      const demo = await startDemo({
        dataDir,
        version: VERSION,
        fresh: values.fresh,
        ...(port === undefined ? {} : { port }),
      });
      if (!demo.ok) throw new FaultError(demo.error);
      const { server } = demo.value;
      if (values.json) {
        jsonLine({
          url: demo.value.openUrl,
          rpcUrl: server.url,
          token: server.token,
          ledger: demo.value.ledger.url,
          data: dataDir,
          resumed: demo.value.resumed,
          locked: demo.value.kiosk.kiosk.status().locked,
        });
      } else for (const line of await demoInstructions(demo.value)) writeLine(io.stdout, line);
      await untilStopped(io);
      writeLine(io.stderr, 'stopping the demo kiosk…');
      await demo.value.close();
      return EXIT.ok;
    }

    const configPath = resolve(values.config!);
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch (e) {
      throw new UsageError(`${configPath} cannot be read: ${(e as Error).message}`);
    }
    const config = parseKioskConfig(text, dirname(configPath));
    if (!config.ok) throw new UsageError(`${configPath} is refused:\n  ${config.error.join('\n  ')}`);
    // Every event-log record is also written to stderr as a JSON line (the system journal keeps it).
    const real = await startRealKiosk(config.value, VERSION, (line) => writeLine(io.stderr, line));
    if (!real.ok) throw new FaultError(real.error);
    const server = await startKioskServer(real.value.kiosk, null, {
      ...((port ?? config.value.rpc?.port) === undefined ? {} : { port: port ?? config.value.rpc!.port }),
    });
    const openUrl = `${server.url}/#token=${server.token}`;
    if (values.json) jsonLine({ url: openUrl, rpcUrl: server.url, token: server.token });
    else writeLine(io.stdout, `OGAS kiosk ${VERSION} serving ${server.url} (open ${openUrl})`);
    await untilStopped(io);
    await server.close();
    await real.value.close();
    return EXIT.ok;
  },
};
