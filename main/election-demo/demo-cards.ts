/**
 * The demo's cards (card files of drivers/pkcs11/test-ca.ts, read by the emulated card reader and the
 * SoftHSM2 token builder): voter cards of people in the sample (ECDSA P-256, one RSA-2048), one of a
 * person on the roll but not in the sample, one whose holder is not on the roll, an expired one, and
 * official, poll-worker and technician cards. Role is the certificate's OU (DESIGN §4).
 */
import type { CardRole } from '../../protocol/roles';
import {
  issueCardCertificate,
  toCardFile,
  type CardFile,
  type CardKeyAlgorithm,
  type IssuedCertificate,
  type TestCa,
  type Validity,
} from '../../drivers/pkcs11/test-ca';
import type { DemoPerson } from './people';

export type DemoCardKind =
  'in-sample' | 'not-in-sample' | 'not-on-roll' | 'expired' | 'official' | 'poll-worker' | 'technician';

export interface DemoCard {
  readonly file: string;
  readonly role: CardRole;
  readonly kind: DemoCardKind;
  /** personId of the holder, for voter cards of people on the roll. */
  readonly holder?: string;
  readonly issued: IssuedCertificate;
  readonly cardFile: CardFile;
  readonly description: string;
}

export const DEMO_PIN = '123456';
const PREFERRED_STYLES = ['usa-ca-sf', 'fra-idf-par', 'deu-by-muc', 'ita'];

function displayName(p: DemoPerson): string {
  return `${p.givenNames} ${p.surname}`;
}

export async function makeDemoCards(
  people: readonly DemoPerson[],
  selected: ReadonlySet<string>,
  refs: ReadonlyMap<string, string>,
  cas: { readonly voters: TestCa; readonly officials: TestCa },
  validity: Validity,
): Promise<DemoCard[]> {
  const cards: DemoCard[] = [];
  const inSample = people.filter((p) => selected.has(refs.get(p.personId)!));
  const used = new Set<string>();
  const take = (style?: string): DemoPerson | undefined => {
    const p = inSample.find((q) => !used.has(q.personId) && (style === undefined || q.style === style));
    if (p) used.add(p.personId);
    return p;
  };

  async function card(
    name: string,
    role: CardRole,
    kind: DemoCardKind,
    commonName: string,
    description: string,
    extra: { holder?: DemoPerson; keyAlgorithm?: CardKeyAlgorithm; expired?: boolean } = {},
  ): Promise<void> {
    const ca = role === 'voter' ? cas.voters : cas.officials;
    const issued = await issueCardCertificate(ca, {
      commonName,
      role,
      keyAlgorithm: extra.keyAlgorithm ?? 'ecdsa-p256',
      ...(extra.expired
        ? { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }
        : validity),
    });
    cards.push({
      file: `cards/${name}.json`,
      role,
      kind,
      ...(extra.holder ? { holder: extra.holder.personId } : {}),
      issued,
      cardFile: toCardFile(name, role, DEMO_PIN, issued, ca),
      description,
    });
  }

  for (const [i, style] of PREFERRED_STYLES.entries()) {
    const p = take(style) ?? take();
    if (!p) break;
    const rsa = i === 1;
    await card(
      `voter-${i + 1}`,
      'voter',
      'in-sample',
      displayName(p),
      `voter ${p.personId}, style ${p.style}, in the sample${rsa ? ', RSA-2048' : ''}`,
      {
        holder: p,
        keyAlgorithm: rsa ? 'rsa-2048' : 'ecdsa-p256',
      },
    );
  }
  const outside = people.find((p) => !selected.has(refs.get(p.personId)!));
  if (outside) {
    await card(
      'voter-not-in-sample',
      'voter',
      'not-in-sample',
      displayName(outside),
      `voter ${outside.personId} on the roll but not in the sample: check-in is refused`,
      { holder: outside },
    );
  }
  await card(
    'voter-not-on-roll',
    'voter',
    'not-on-roll',
    'PAT VISITOR',
    'a valid voter card whose holder is not on the roll: not in the credential table',
  );
  const late = take();
  if (late) {
    await card(
      'voter-expired',
      'voter',
      'expired',
      displayName(late),
      `voter ${late.personId} in the sample, but the card expired in 2021`,
      { holder: late, expired: true },
    );
  }
  await card(
    'official-1',
    'official',
    'official',
    'OFFICIAL ONE',
    'election official: provisions and enrols kiosks, opens and closes polls',
  );
  await card('official-2', 'official', 'official', 'OFFICIAL TWO', 'a second election official');
  await card('poll-worker-1', 'poll-worker', 'poll-worker', 'POLL WORKER ONE', 'poll worker');
  await card(
    'technician-1',
    'technician',
    'technician',
    'TECHNICIAN ONE',
    'technician: hardware diagnostics',
  );
  return cards;
}
