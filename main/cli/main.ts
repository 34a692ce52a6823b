/**
 * `ogas` entry point: finds the command group, runs it, and turns errors into DESIGN §10 exit codes.
 * Groups are loaded lazily so `ogas id parse` does not load the ledger or the native modules.
 */
import {
  EXIT,
  FaultError,
  UsageError,
  writeLine,
  type CliIo,
  type CommandGroup,
  type ExitCode,
} from './command';

// One line per command group; each group lives in its own file beside this one.
const GROUPS: Readonly<Record<string, { summary: string; load: () => Promise<CommandGroup> }>> = {
  controller: {
    summary: 'the enclosure controller over SMP: firmware, echo, kiosk state',
    load: async () => (await import('./controller-commands')).controllerCommands,
  },
  kiosk: {
    summary: 'the kiosk backend and UI (--demo: emulated devices, demo election, embedded ledger)',
    load: async () => (await import('./kiosk-commands')).kioskCommand,
  },
  id: {
    summary: 'identity documents: parse what a scanner read',
    load: async () => (await import('./id-commands')).idCommands,
  },
  election: {
    summary: 'election packages: sample, sign, verify, demo',
    load: async () => (await import('./election-commands')).electionCommands,
  },
  ledger: {
    summary: 'the state ledger: keygen, serve, export',
    load: async () => (await import('./ledger-commands')).ledgerCommands,
  },
  pkcs11: {
    summary: 'smartcard readers and the HSM over PKCS#11: tokens, diagnostics',
    load: async () => (await import('./pkcs11-commands')).pkcs11Commands,
  },
  witness: {
    summary: 'a C2SP transparency-log witness: keygen, serve',
    load: async () => (await import('./witness-commands')).witnessCommands,
  },
  audit: {
    summary: 'verify a whole election log and recount it',
    load: async () => (await import('./audit-commands')).auditCommand,
  },
  tally: {
    summary: 'results per contest and district from a log (checkpoint and tree checked)',
    load: async () => (await import('./audit-commands')).tallyCommand,
  },
  receipt: {
    summary: "a voter's check: is the ballot with this tracking code on the log?",
    load: async () => (await import('./audit-commands')).receiptCommand,
  },
};

function usage(io: CliIo): void {
  writeLine(io.stderr, 'usage: ogas <command> [options]   (ogas <command> --help for more)');
  writeLine(io.stderr);
  for (const [name, g] of Object.entries(GROUPS)) writeLine(io.stderr, `  ${name.padEnd(12)} ${g.summary}`);
}

function groupUsage(io: CliIo, name: string, group: CommandGroup): void {
  if (group.kind === 'single') {
    writeLine(io.stderr, `usage: ogas ${name} ${group.usage}`);
    return;
  }
  for (const [cmd, c] of Object.entries(group.commands)) {
    for (const line of c.usage.split('\n')) writeLine(io.stderr, `usage: ogas ${name} ${cmd} ${line}`);
    writeLine(io.stderr, `       ${c.summary}`);
  }
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [groupName, ...rest] = argv;
  if (groupName === undefined || groupName === '--help' || groupName === '-h') {
    usage(io);
    return groupName === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = GROUPS[groupName];
  if (!entry) {
    writeLine(io.stderr, `ogas: unknown command "${groupName}"`);
    usage(io);
    return EXIT.usage;
  }
  const group = await entry.load();
  try {
    if (group.kind === 'single') {
      if (rest[0] === '--help') {
        groupUsage(io, groupName, group);
        return EXIT.ok;
      }
      return await group.run(rest, io);
    }
    const [cmdName, ...args] = rest;
    const cmd = cmdName === undefined ? undefined : group.commands[cmdName];
    if (!cmd) {
      if (cmdName !== undefined && cmdName !== '--help')
        writeLine(io.stderr, `ogas ${groupName}: unknown command "${cmdName}"`);
      groupUsage(io, groupName, group);
      return cmdName === '--help' ? EXIT.ok : EXIT.usage;
    }
    if (args[0] === '--help') {
      groupUsage(io, groupName, { kind: 'group', summary: '', commands: { [cmdName!]: cmd } });
      return EXIT.ok;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      writeLine(io.stderr, `ogas ${groupName}: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof FaultError) {
      writeLine(io.stderr, `ogas ${groupName}: ${e.message}`);
      return EXIT.fault;
    }
    throw e;
  }
}

function processIo(): CliIo {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stopSignal: controller.signal,
  };
}
