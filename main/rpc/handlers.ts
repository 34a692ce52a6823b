/**
 * Each RPC method (api.ts) bound to the kiosk: input already parsed by its schema and access already
 * checked (server.ts); every expected failure comes back as an RpcError value with a human message.
 */
import type { z } from 'zod';
import { err, ok, type Result } from '../../protocol/result';
import type { Kiosk } from '../kiosk/kiosk';
import type { DevDock } from '../kiosk/dev-dock';
import type { RpcError, RpcMethod, RpcResponseValue, requestSchemas } from './api';

export type ParsedRequest<M extends RpcMethod> = z.output<(typeof requestSchemas)[M]>;

export type Handlers = {
  readonly [M in RpcMethod]: (input: ParsedRequest<M>) => Promise<Result<RpcResponseValue<M>, RpcError>>;
};

const WATCH_DEFAULT_MS = 25_000;

function devDockOrError(dock: DevDock | null): Result<DevDock, RpcError> {
  return dock ? ok(dock) : err({ code: 'not-demo', message: 'The dev dock exists only in demo mode.' });
}

export function createHandlers(kiosk: Kiosk, dock: DevDock | null): Handlers {
  const { provisioning, polls, session, ctx } = kiosk;
  const status = () => Promise.resolve(ok(kiosk.status()));
  const dev = async (
    action: (d: DevDock) => Promise<Result<void, RpcError>> | Result<void, RpcError>,
  ): Promise<Result<RpcResponseValue<'devFixtures'>, RpcError>> => {
    const d = devDockOrError(dock);
    if (!d.ok) return d;
    const done = await action(d.value);
    if (!done.ok) return done;
    ctx.changed();
    return ok(await d.value.fixtures());
  };

  return {
    getStatus: status,
    watchStatus: async ({ after, timeoutMs }) => {
      await ctx.waitForChange(after, timeoutMs ?? WATCH_DEFAULT_MS);
      return ok(kiosk.status());
    },
    enterCardPin: async ({ pin }) => {
      const state = ctx.auth.authenticator.getState();
      if (state.status !== 'awaiting-pin') {
        return err({ code: 'wrong-state', message: 'No card is waiting for a PIN: insert a card first.' });
      }
      await ctx.auth.submitPin(pin);
      return ok(ctx.auth.cardView());
    },
    logOut: async () => {
      if (ctx.auth.staffState().status !== 'logged-in') {
        return err({ code: 'wrong-state', message: 'No staff member is signed in.' });
      }
      await ctx.auth.signOut();
      return ok(ctx.auth.cardView());
    },
    keepAlive: () => Promise.resolve(ok(session.keepAlive())),
    reviewBallot: ({ selections }) => Promise.resolve(session.review(selections)),
    editBallot: () => Promise.resolve(session.edit()),
    castBallot: ({ revision }) => session.cast(revision),
    reprintReceipt: () => session.reprint(),
    retryCheckIn: () => session.retryCheckIn(),
    cancelVoterSession: () => Promise.resolve(session.cancel()),
    finishVoterSession: () => Promise.resolve(session.finish()),
    confirmDocument: ({ matches }) => session.confirmDocument(matches),
    loadElection: ({ path, bundlePath }) => provisioning.loadElection(path, bundlePath),
    createKioskKey: ({ hsmPin }) => provisioning.createKioskKey(hsmPin),
    enrolKiosk: () => provisioning.enrol(),
    unlockHsm: async ({ hsmPin }) => {
      const r = await provisioning.unlock(hsmPin);
      return r.ok ? ok(kiosk.status()) : r;
    },
    openPolls: () => polls.command('open'),
    pausePolls: () => polls.command('pause'),
    resumePolls: () => polls.command('resume'),
    closePolls: () => polls.command('close'),
    getReport: ({ kind }) => Promise.resolve(polls.report(kind)),
    printReport: ({ kind }) => polls.print(kind),
    unconfigure: ({ override }) => provisioning.unconfigure(override),
    getDiagnostics: async () => ok(await kiosk.diagnostics()),
    exportEventLog: ({ path }) => kiosk.exportEventLog(path),
    devFixtures: () => dev(() => ok(undefined)),
    devInsertCard: ({ label }) => dev((d) => d.insertCard(label)),
    devRemoveCard: () => dev((d) => d.removeCard()),
    devScanDocument: ({ name }) => dev((d) => d.scanDocument(name)),
    devSetLid: ({ open }) => dev((d) => d.setLid(open)),
    devSetPower: ({ source }) => dev((d) => d.setPower(source)),
    devSetPrinter: ({ state }) => dev((d) => d.setPrinter(state)),
    devSetLedger: ({ running }) => dev((d) => d.setLedger(running)),
  };
}
