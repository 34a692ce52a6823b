/**
 * `ogas pkcs11 …`: a technician's view of the PKCS#11 devices (issue 4: Diagnostics). `tokens` lists
 * what a module sees (label, serial, PIN flags, ML-DSA support); `diagnostics` prints the card reader's
 * and, with --hsm-token, the HSM's DeviceDiagnostics (unlocked first with a PIN read from stdin when
 * --hsm-pin-stdin is given, so the seal/unseal self-test runs).
 */
import { Pkcs11CardReader } from '../../drivers/pkcs11/pkcs11-card-reader';
import { CKM } from '../../drivers/pkcs11/pkcs11-constants';
import { OPENSC_MODULE, Pkcs11Host } from '../../drivers/pkcs11/pkcs11-host';
import { Pkcs11Hsm } from '../../drivers/pkcs11/pkcs11-hsm';
import type { DeviceDiagnostics } from '../../drivers/diagnostics';
import {
  EXIT,
  FaultError,
  parseOptions,
  writeJson,
  writeLine,
  type CliIo,
  type CommandGroup,
} from './command';

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function flagsText(t: { pin: { countLow: boolean; finalTry: boolean; locked: boolean } }): string {
  const f = [
    t.pin.locked && 'PIN LOCKED',
    t.pin.finalTry && 'final PIN try',
    t.pin.countLow && 'PIN count low',
  ];
  return f.filter(Boolean).join(', ') || 'PIN ok';
}

async function tokens(args: readonly string[], io: CliIo) {
  const { values } = parseOptions(args, {
    module: { type: 'string', default: OPENSC_MODULE },
    json: { type: 'boolean', default: false },
  });
  const host = Pkcs11Host.open(values.module);
  try {
    const info = await host.info();
    if (!info.ok) throw new FaultError(info.error.message);
    const listed = await host.call('tokens', {});
    if (!listed.ok) throw new FaultError(listed.error.message);
    const event = await host.call('slotEvent', {});
    const rows = [];
    for (const t of listed.value) {
      const mechanisms = await host.call('mechanisms', { label: t.label });
      rows.push({ ...t, mlDsa: mechanisms.ok && mechanisms.value.includes(CKM.ML_DSA) });
    }
    if (values.json) {
      writeJson(io.stdout, {
        module: info.value,
        slotEvents: event.ok ? event.value.supported : false,
        tokens: rows,
      });
      return EXIT.ok;
    }
    const m = info.value;
    writeLine(
      io.stdout,
      `${m.libraryDescription} ${m.libraryVersion} by ${m.manufacturer} (Cryptoki ${m.cryptokiVersion})`,
    );
    writeLine(
      io.stdout,
      `C_WaitForSlotEvent: ${event.ok && event.value.supported ? 'supported' : 'not supported'}`,
    );
    if (rows.length === 0) writeLine(io.stdout, 'no token present');
    for (const t of rows) {
      const label = t.initialized ? `"${t.label}"` : '(not initialised)';
      writeLine(
        io.stdout,
        `${label}  serial ${t.serialNumber}  ${t.manufacturer} ${t.model} fw ${t.firmwareVersion}  ${flagsText(t)}` +
          `  ML-DSA ${t.mlDsa ? 'yes' : 'no'}  [${t.slotDescription}]`,
      );
    }
    return EXIT.ok;
  } finally {
    await host.close();
  }
}

function printDiagnostics(io: CliIo, d: DeviceDiagnostics): void {
  writeLine(
    io.stdout,
    `${d.kind} ${d.id}: ${d.present ? 'present' : 'NOT PRESENT'}${d.real ? '' : ' (emulated)'}`,
  );
  if (d.identity) writeLine(io.stdout, `  ${d.identity.description}`);
  for (const t of d.selfTest) writeLine(io.stdout, `  [${t.passed ? 'ok' : 'FAIL'}] ${t.name}: ${t.detail}`);
  writeLine(
    io.stdout,
    `  latency p50 ${d.latency.p50Ms?.toFixed(1) ?? '-'} ms over ${d.latency.samples} calls`,
  );
  const errors = Object.entries(d.errorCounts);
  if (errors.length) writeLine(io.stdout, `  errors: ${errors.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  for (const a of d.advice) writeLine(io.stdout, `  advice: ${a}`);
}

async function diagnostics(args: readonly string[], io: CliIo) {
  const { values } = parseOptions(args, {
    module: { type: 'string', default: OPENSC_MODULE },
    'hsm-token': { type: 'string' },
    'hsm-pin-stdin': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const host = Pkcs11Host.open(values.module);
  const hsmLabel = values['hsm-token'];
  const reader = new Pkcs11CardReader(host, hsmLabel ? { ignoreLabels: [hsmLabel] } : {});
  const hsm = hsmLabel ? new Pkcs11Hsm(host, { tokenLabel: hsmLabel }) : null;
  try {
    if (hsm && values['hsm-pin-stdin']) {
      const unlocked = await hsm.unlock(await readStdin(io));
      if (!unlocked.ok) throw new FaultError(`cannot unlock the HSM: ${unlocked.error.message}`);
    }
    const reports = [await reader.diagnostics(), ...(hsm ? [await hsm.diagnostics()] : [])];
    if (values.json) writeJson(io.stdout, reports);
    else reports.forEach((d) => printDiagnostics(io, d));
    const healthy = reports.every((d) => d.present && d.selfTest.every((t) => t.passed));
    return healthy ? EXIT.ok : EXIT.fault;
  } finally {
    await hsm?.close();
    await reader.close();
    await host.close();
  }
}

export const pkcs11Commands: CommandGroup = {
  kind: 'group',
  summary: 'smartcard readers and the HSM over PKCS#11: tokens, diagnostics',
  commands: {
    tokens: {
      summary: 'list the tokens a PKCS#11 module sees (label, serial, PIN flags, ML-DSA support)',
      usage: '[--module PATH] [--json]',
      run: tokens,
    },
    diagnostics: {
      summary: 'card reader (and HSM) diagnostics with self-tests; exit 1 when one fails',
      usage: '[--module PATH] [--hsm-token LABEL [--hsm-pin-stdin]] [--json]',
      run: diagnostics,
    },
  },
};
