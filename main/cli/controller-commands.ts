/**
 * `ogas controller info --port PATH [--json]` (DESIGN §10): asks a peripheral controller over SMP
 * (DESIGN §7) for its firmware images (version, hash, slot, flags), measures the echo round trip, and
 * reads the kiosk group's state. Works with any SMP serial device: a plain Zephyr/MCUboot one answers
 * "not supported" to the kiosk group, which is reported as such, not as a fault.
 *
 * Exit codes: 0 the controller answered; 1 it did not answer, or answered wrongly (stderr says what);
 * 2 bad usage, or no such port.
 */
import { existsSync } from 'node:fs';
import { kioskStatus, type KioskStatus } from '../../firmware-bridge/kiosk-group';
import {
  echo,
  imageList,
  mcumgrParams,
  slotFlags,
  type McumgrParams,
} from '../../firmware-bridge/mcumgr-commands';
import { SerialLink } from '../../firmware-bridge/serial-link';
import { SmpClient } from '../../firmware-bridge/smp-client';
import { isNotSupported } from '../../firmware-bridge/smp-errors';
import { smpVersionName } from '../../firmware-bridge/smp-header';
import {
  EXIT,
  FaultError,
  UsageError,
  parseOptions,
  requireOption,
  writeJson,
  writeLine,
  type CliIo,
  type Command,
  type CommandGroup,
} from './command';

interface InfoReport {
  readonly port: string;
  readonly smpVersion: 1 | 2;
  readonly params: McumgrParams | null;
  readonly images: readonly {
    readonly image: number;
    readonly slot: number;
    readonly version: string;
    readonly hash: string | null;
    readonly flags: readonly string[];
  }[];
  readonly echo: {
    readonly count: number;
    readonly minMs: number;
    readonly medianMs: number;
    readonly maxMs: number;
  };
  readonly kiosk:
    | { readonly supported: true; readonly status: KioskStatus }
    | { readonly supported: false; readonly reason: string };
}

function positiveInt(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not "${text}"`);
  return n;
}

async function gather(client: SmpClient, port: string, echoes: number): Promise<InfoReport> {
  const rtts: number[] = [];
  for (let i = 0; i < echoes; i++) {
    const r = await echo(client, `ogas-info-${i}`);
    if (!r.ok) throw new FaultError(r.error.message);
    rtts.push(r.value.rttMs);
  }
  const params = await mcumgrParams(client);
  if (!params.ok && !(params.error.kind === 'device-error' && isNotSupported(params.error)))
    throw new FaultError(`MCUmgr parameters: ${params.error.message}`);
  const images = await imageList(client);
  if (!images.ok) throw new FaultError(`image list: ${images.error.message}`);
  const status = await kioskStatus(client);
  let kiosk: InfoReport['kiosk'];
  if (status.ok) kiosk = { supported: true, status: status.value };
  else if (status.error.kind === 'device-error' && isNotSupported(status.error))
    kiosk = {
      supported: false,
      reason: 'the firmware has no kiosk group (64): a plain Zephyr/MCUboot device',
    };
  else throw new FaultError(`kiosk group: ${status.error.message}`);
  const sorted = [...rtts].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    port,
    smpVersion: smpVersionName(client.smpVersion),
    params: params.ok ? params.value : null,
    images: images.value.map((s) => ({
      image: s.image,
      slot: s.slot,
      version: s.version,
      hash: s.hash,
      flags: slotFlags(s),
    })),
    echo: {
      count: sorted.length,
      minMs: round(sorted[0]!),
      medianMs: round(sorted[Math.floor((sorted.length - 1) / 2)]!),
      maxMs: round(sorted[sorted.length - 1]!),
    },
    kiosk,
  };
}

function printText(io: CliIo, r: InfoReport): void {
  writeLine(io.stdout, `controller on ${r.port} (SMP version ${r.smpVersion})`);
  writeLine(
    io.stdout,
    r.params ? `  buffers: ${r.params.bufCount} × ${r.params.bufSize} bytes` : '  buffers: not reported',
  );
  writeLine(io.stdout, '  firmware images:');
  for (const i of r.images)
    writeLine(
      io.stdout,
      `    image ${i.image} slot ${i.slot}  ${i.version.padEnd(12)} ${i.flags.join(' ') || '-'}\n      hash ${i.hash ?? '(not reported)'}`,
    );
  writeLine(
    io.stdout,
    `  echo: ${r.echo.count} round trips, median ${r.echo.medianMs} ms (min ${r.echo.minMs}, max ${r.echo.maxMs})`,
  );
  if (!r.kiosk.supported) {
    writeLine(io.stdout, `  kiosk group: not supported (${r.kiosk.reason})`);
    return;
  }
  const s = r.kiosk.status;
  writeLine(
    io.stdout,
    `  kiosk group: lid ${s.lid} (opened ${s.tamperCount} times), power ${s.power}, battery ${s.batteryPercent} %${s.charging ? ' (charging)' : ''}`,
  );
  writeLine(
    io.stdout,
    `               printer ${s.printer}, light ${s.light.colour} ${s.light.pattern}, boot ${s.bootId}, last event #${s.lastEventSeq}`,
  );
}

const info: Command = {
  summary:
    'ask a peripheral controller over SMP for its firmware images, echo round trip and kiosk state\n' +
    '       exit 0: it answered; 1: it did not answer or answered wrongly; 2: bad usage or no such port',
  usage: '--port PATH [--json] [--timeout MS] [--echoes N]',
  async run(args: readonly string[], io: CliIo) {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      echoes: { type: 'string' },
    });
    const port = requireOption(values.port, 'port');
    const timeoutMs = positiveInt(values.timeout, 'timeout', 1000, 60_000);
    const echoes = positiveInt(values.echoes, 'echoes', 5, 1000);
    if (!existsSync(port))
      throw new UsageError(
        `--port ${port}: no such device (plug the controller in, or name its port, e.g. /dev/ttyACM0)`,
      );
    const client = new SmpClient(new SerialLink({ path: port, reconnect: false }), { timeoutMs, retries: 2 });
    try {
      const opened = await client.open();
      if (!opened.ok) throw new FaultError(opened.error);
      const report = await gather(client, port, echoes);
      if (values.json) writeJson(io.stdout, report);
      else printText(io, report);
      return EXIT.ok;
    } finally {
      await client.close();
    }
  },
};

export const controllerCommands: CommandGroup = {
  kind: 'group',
  summary: 'the enclosure controller over SMP: info',
  commands: { info },
};
