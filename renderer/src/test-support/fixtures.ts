/**
 * Test data in the shapes of main/rpc/api.ts: a kiosk status with every field, a small ballot (one
 * single-choice contest, one two-seat contest), and a scripted fake of the backend for component tests.
 */
import type {
  BallotView,
  CardView,
  KioskApi,
  KioskStatus,
  RpcMethod,
  StaffView,
  VoterView,
} from '../../../main/rpc/api';
import type { CallResult, ClientError, RpcClient } from '../rpc/client';

export const ELECTION_TITLE = { en: 'Test election', fr: 'Élection test', es: 'Elección de prueba' };

export const BALLOT: BallotView = {
  styleId: 'fra-idf',
  languages: ['en', 'fr', 'es'],
  contests: [
    {
      id: 'charter',
      scope: 'global',
      question: {
        en: 'Do you approve the charter?',
        fr: 'Approuvez-vous la charte ?',
        es: '¿Aprueba la carta?',
      },
      maxChoices: 1,
      options: [
        { id: 'yes', label: { en: 'Yes', fr: 'Oui', es: 'Sí' } },
        { id: 'no', label: { en: 'No', fr: 'Non', es: 'No' } },
      ],
    },
    {
      id: 'council',
      scope: 'FRA-IDF',
      question: { en: 'Council: choose up to two', fr: 'Conseil : jusqu’à deux', es: 'Consejo: hasta dos' },
      maxChoices: 2,
      options: [
        { id: 'c1', label: { en: 'Avery Stone', fr: 'Avery Stone', es: 'Avery Stone' } },
        { id: 'c2', label: { en: 'Blake Rivera', fr: 'Blake Rivera', es: 'Blake Rivera' } },
        { id: 'c3', label: { en: 'Casey Moreau', fr: 'Casey Moreau', es: 'Casey Moreau' } },
      ],
    },
  ],
};

export function status(overrides: Partial<KioskStatus> = {}): KioskStatus {
  return {
    revision: 1,
    mode: 'real',
    now: '2030-05-01T10:00:00.000Z',
    provisioning: {
      step: 'ready',
      election: {
        electionId: 'ab'.repeat(32),
        title: ELECTION_TITLE,
        languages: ['en', 'fr', 'es'],
        window: { opens: '2030-05-01T08:00:00Z', closes: '2030-05-01T20:00:00Z', drainHours: 24 },
        mode: 'sample',
        ballotStyles: 3,
        contests: 2,
        signatures: { valid: 2, required: 2 },
        ledgerUrl: 'http://127.0.0.1:9000',
        credentials: 40,
      },
      kioskId: 'cd'.repeat(32),
      enrolmentIndex: 3,
    },
    polls: 'open',
    locked: false,
    counts: { checkins: 0, ballots: 0 },
    ledger: {
      url: 'http://127.0.0.1:9000',
      reachable: true,
      lastError: null,
      ballotsWaiting: 0,
      chainedWaiting: 0,
      lastAcknowledgedCheckpoint: null,
    },
    alarms: [],
    card: { status: 'no-card' },
    staff: null,
    session: { voter: { phase: 'idle' }, expiresAt: null },
    ...overrides,
  };
}

export function withVoter(
  voter: VoterView,
  expiresAt: string | null = null,
  base: KioskStatus = status(),
): KioskStatus {
  return { ...base, revision: base.revision + 1, session: { voter, expiresAt } };
}

export function withCard(
  card: CardView,
  staff: StaffView | null = null,
  base: KioskStatus = status(),
): KioskStatus {
  return { ...base, revision: base.revision + 1, card, staff };
}

type Handler<M extends RpcMethod> = (input: KioskApi[M]['input']) => CallResult<M>;

/**
 * A backend double: `getStatus`/`watchStatus` answer the current status; other methods answer what a
 * test scripted with `on`, or `{ok: true, value: undefined}`-like defaults are refused loudly so a
 * test never passes by accident. Every call is recorded.
 */
export class FakeKiosk implements RpcClient {
  current: KioskStatus;
  /** When set, every call fails with this error (the backend is gone). */
  failing: ClientError | null = null;
  readonly calls: { method: RpcMethod; input: unknown }[] = [];
  readonly #handlers = new Map<RpcMethod, (input: unknown) => unknown>();

  constructor(initial: KioskStatus) {
    this.current = initial;
  }

  on<M extends RpcMethod>(method: M, handler: Handler<M>): this {
    this.#handlers.set(method, handler as (input: unknown) => unknown);
    return this;
  }

  set(next: KioskStatus): void {
    this.current = { ...next, revision: Math.max(next.revision, this.current.revision + 1) };
  }

  callsOf(method: RpcMethod): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }

  readonly call = <M extends RpcMethod>(method: M, input: KioskApi[M]['input']): Promise<CallResult<M>> => {
    this.calls.push({ method, input });
    if (this.failing) return Promise.resolve({ ok: false, error: this.failing });
    if (method === 'getStatus' || method === 'watchStatus') {
      return Promise.resolve({ ok: true, value: this.current } as CallResult<M>);
    }
    const handler = this.#handlers.get(method);
    if (!handler) {
      const error: ClientError = { code: 'internal', message: `FakeKiosk: no handler for ${method}` };
      return Promise.resolve({ ok: false, error });
    }
    return Promise.resolve(handler(input) as CallResult<M>);
  };
}
