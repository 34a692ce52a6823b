/**
 * The official's provisioning flow (issue 6 "Provisioning"; DESIGN §4, §5, §8), each step logged with
 * its declared event id:
 *
 *   loadElection (package + bundle verified against the kiosk's trust file)
 *   → createKioskKey (HSM PIN: sealing key, new ML-DSA-65 kiosk key sealed; the store is configured)
 *   → enrol (official card countersigns the kiosk-enrolment entry; signed once, stored, sent)
 *   → ready.
 *
 * After a restart the kiosk is locked until `unlock` (HSM PIN). `unconfigure` wipes keys and election
 * data only when every ballot is acknowledged by the ledger, or with an explicit override and reason.
 */
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { sha256Hex } from '../../protocol/hash';
import { checkPackageSignatures, parseElectionPackageText } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import { fromUtf8 } from '../../protocol/bytes';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import { parseProvisioningBundle } from '../../protocol/voters/provisioning-bundle';
import { queueEventLogger } from '../event-log/queue-log';
import type { KioskContext } from '../kiosk/kiosk-context';
import { KioskQueue, memorySigner } from '../queue';
import type { ProvisioningStep, ProvisioningView, RpcError } from '../rpc/api';
import { electionSummary, readElectionFiles, verifyElectionFiles } from './election-files';
import { createSealedKioskKey, signEnrolment, unsealKioskKey } from './kiosk-key';

const wrongState = (message: string) => err<RpcError>({ code: 'wrong-state', message });

export class ProvisioningService {
  constructor(private readonly ctx: KioskContext) {}

  step(): ProvisioningStep {
    const config = this.ctx.store.kiosk.get();
    if (!config) return this.ctx.pending ? 'package-loaded' : 'unconfigured';
    return config.enrolment && config.enrolment.state !== 'pending' ? 'ready' : 'key-created';
  }

  view(): ProvisioningView {
    const { ctx } = this;
    const config = ctx.store.kiosk.get();
    return {
      step: this.step(),
      election:
        ctx.election && ctx.signatures
          ? electionSummary(ctx.election, ctx.bundle, ctx.signatures, ctx.ledgerUrl() ?? '')
          : null,
      kioskId: config?.kioskId ?? null,
      enrolmentIndex: config?.enrolment?.ledgerIndex ?? null,
    };
  }

  /** At start-up: a provisioned store brings back its election, bundle and queue (locked). */
  restore(): Result<void, string> {
    const { ctx } = this;
    const config = ctx.store.kiosk.get();
    if (!config) return ok(undefined);
    const parsed = parseElectionPackageText(config.packageBytes);
    if (!parsed.ok)
      return err(`the stored election package is refused: ${parsed.error.map(formatProblem).join('; ')}`);
    if (!config.bundle) return err('the store has no provisioning bundle: unconfigure and provision again');
    const bundle = parseProvisioningBundle(JSON.parse(fromUtf8(config.bundle)));
    if (!bundle.ok)
      return err(`the stored provisioning bundle is refused: ${bundle.error.map(formatProblem).join('; ')}`);
    ctx.election = parsed.value;
    ctx.bundle = bundle.value;
    const sigs = checkPackageSignatures(parsed.value, ctx.deps.trust);
    ctx.signatures = { valid: (sigs.ok ? sigs.value : sigs.error).valid.length, required: ctx.deps.trust.m };
    return this.openQueue();
  }

  private openQueue(): Result<void, string> {
    const { ctx } = this;
    const opened = KioskQueue.open({
      store: ctx.store,
      log: queueEventLogger(ctx.log),
      verifier: fastestMlDsaVerifier(nobleVerifier).verifier,
      ...(ctx.deps.ledgerUrl ? { ledgerUrl: ctx.deps.ledgerUrl } : {}),
      now: () => new Date(ctx.now()),
      ...ctx.deps.queueOptions,
    });
    if (!opened.ok) return opened;
    ctx.queue = opened.value;
    ctx.queue.start();
    return ok(undefined);
  }

  async loadElection(path: string, bundlePath?: string): Promise<Result<ProvisioningView, RpcError>> {
    const { ctx } = this;
    if (ctx.store.kiosk.get()) return wrongState('This kiosk is already provisioned: unconfigure it first.');
    const files = await readElectionFiles(path, bundlePath);
    const loaded = files.ok ? verifyElectionFiles(files.value, ctx.deps.trust, new Date(ctx.now())) : files;
    if (!loaded.ok) {
      ctx.log.event('election-loaded', 'failure', loaded.error.message.slice(0, 500), {
        user: 'official',
        details: { path: path.slice(0, 4096) },
      });
      return loaded;
    }
    const l = loaded.value;
    ctx.pending = l;
    ctx.election = l.election;
    ctx.bundle = l.bundle;
    ctx.signatures = l.signatures;
    ctx.log.event('election-loaded', 'success', 'Election package and provisioning bundle verified.', {
      user: 'official',
      details: { electionId: l.election.electionId, count: l.bundle.credentials.length, path },
    });
    ctx.changed();
    return ok(this.view());
  }

  async createKioskKey(hsmPin: string): Promise<Result<ProvisioningView, RpcError>> {
    const { ctx } = this;
    const pending = ctx.pending;
    if (!pending) {
      return wrongState(
        ctx.store.kiosk.get()
          ? 'This kiosk already has its key.'
          : 'Load the election package first (loadElection).',
      );
    }
    const created = await createSealedKioskKey(ctx.deps.devices.hsm, hsmPin);
    if (!created.ok) {
      ctx.log.event('kiosk-key-created', 'failure', created.error.message.slice(0, 500), {
        user: 'official',
      });
      return created;
    }
    const { keys, kioskId, sealedKey } = created.value;
    const configured = ctx.store.kiosk.configure({
      electionId: pending.election.electionId,
      packageBytes: pending.packageBytes,
      kioskId,
      publicKey: keys.publicKey,
      sealedKey,
      bundle: pending.bundleBytes,
    });
    if (!configured.ok) return err({ code: 'wrong-state', message: configured.error });
    ctx.pending = null;
    ctx.keys = keys;
    const opened = this.openQueue();
    if (!opened.ok) return err({ code: 'internal', message: opened.error });
    ctx.queue!.unlock(memorySigner(keys));
    ctx.log.event('kiosk-key-created', 'success', 'Kiosk key created and sealed by the HSM.', {
      user: 'official',
      details: { kioskId, electionId: pending.election.electionId },
    });
    ctx.changed();
    return ok(this.view());
  }

  async enrol(): Promise<Result<ProvisioningView, RpcError>> {
    const { ctx } = this;
    const config = ctx.store.kiosk.get();
    if (!config || !ctx.queue || !ctx.election)
      return wrongState('Create the kiosk key first (createKioskKey).');
    if (this.step() === 'ready') return ok(this.view());
    let leaf = config.enrolment?.leaf;
    if (!leaf) {
      if (!ctx.keys) return wrongState('The kiosk is locked: enter the HSM PIN first (unlockHsm).');
      const certificate = ctx.auth.signedInCertificate();
      if (!certificate)
        return err({ code: 'not-permitted', message: 'Insert an official card and enter its PIN.' });
      const signed = await signEnrolment(
        ctx.election,
        ctx.keys,
        {
          certificate,
          sign: async (m) => {
            const r = await ctx.auth.signWithCard(m);
            return r.ok ? r : err({ message: r.error.message });
          },
        },
        new Date(ctx.now()),
      );
      if (!signed.ok) {
        ctx.log.event('kiosk-enrolled', 'failure', signed.error.message.slice(0, 500), { user: 'official' });
        return signed;
      }
      leaf = signed.value;
    }
    const sent = await ctx.queue.enrol(leaf);
    if (!sent.ok) {
      const message = `The enrolment is stored and will be resent; the ledger did not accept it yet: ${sent.error.message}`;
      ctx.log.event('kiosk-enrolled', 'failure', message.slice(0, 500), {
        user: 'official',
        details: { code: sent.error.kind },
      });
      ctx.changed();
      return err({ code: sent.error.kind === 'refused' ? 'ledger-refused' : 'ledger-unreachable', message });
    }
    ctx.log.event('kiosk-enrolled', 'success', 'Kiosk enrolled with the ledger.', {
      user: 'official',
      details: { kioskId: config.kioskId, index: sent.value, entryHash: sha256Hex(leaf) },
    });
    ctx.changed();
    return ok(this.view());
  }

  /** DESIGN §8: after a restart the HSM PIN unseals the kiosk key; until then the kiosk is locked. */
  async unlock(hsmPin: string): Promise<Result<void, RpcError>> {
    const { ctx } = this;
    const config = ctx.store.kiosk.get();
    if (!config || !ctx.queue) return wrongState('This kiosk is not provisioned: there is no key to unlock.');
    if (ctx.keys) return ok(undefined);
    const keys = await unsealKioskKey(ctx.deps.devices.hsm, hsmPin, config);
    if (!keys.ok) {
      ctx.log.event('hsm-unlocked', 'failure', keys.error.message.slice(0, 500), { user: 'official' });
      return keys;
    }
    const set = ctx.queue.unlock(memorySigner(keys.value));
    if (!set.ok) return err({ code: 'hsm', message: set.error });
    ctx.keys = keys.value;
    ctx.log.event('hsm-unlocked', 'success', 'HSM unlocked; the kiosk key is unsealed.', {
      user: 'official',
    });
    ctx.changed();
    return ok(undefined);
  }

  /** Drops the unsealed key and locks the HSM (polls closed, shutdown). */
  async lock(): Promise<void> {
    const { ctx } = this;
    ctx.queue?.lock();
    if (ctx.keys) ctx.keys.secretKey.fill(0);
    ctx.keys = null;
    await ctx.deps.devices.hsm.lock();
    ctx.log.event('hsm-locked', 'success', 'The kiosk key was dropped from memory and the HSM locked.');
    ctx.changed();
  }

  async unconfigure(override: { reason: string } | undefined): Promise<Result<ProvisioningView, RpcError>> {
    const { ctx } = this;
    if (!ctx.store.kiosk.get() && !ctx.pending) return wrongState('This kiosk is not provisioned.');
    if (ctx.voterSessionActive) return wrongState('A voter is using the kiosk: wait until they finish.');
    const wiped = ctx.store.wipe({ override: override !== undefined });
    if (!wiped.ok) {
      ctx.log.event('unconfigured', 'failure', 'Unconfigure refused: ballots wait for the ledger.', {
        user: 'official',
      });
      return err({ code: 'unacknowledged-ballots', message: wiped.error });
    }
    if (override) {
      ctx.log.event('unconfigure-override', 'success', `Override reason: ${override.reason}`.slice(0, 500), {
        user: 'official',
        details: { ballots: wiped.value.ballots, count: wiped.value.chainEntries },
      });
    }
    await ctx.queue?.stop();
    ctx.queue = null;
    await this.lock();
    ctx.pending = null;
    ctx.election = null;
    ctx.bundle = null;
    ctx.signatures = null;
    ctx.log.event('unconfigured', 'success', 'Keys and election data were wiped.', { user: 'official' });
    ctx.changed();
    return ok(this.view());
  }
}
