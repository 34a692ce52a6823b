/**
 * Is this person eligible to be checked in here, now? (issue 6 "Voter session"; DESIGN §4, §5.) A pure
 * function over what the kiosk knows locally; the ledger's answer to the check-in is the last word
 * (it alone knows check-ins made at other kiosks).
 *
 * In order: the check-in window [opens, closes); a scanned document's check digits, age and
 * nationality (DESIGN §4 `qualifications`; a card carries neither, and a document that states no birth
 * date or nationality leaves that check to the authority that registered it in the credential table);
 * the credential table (credential → voterRef and style, DESIGN §4); sample membership with that style
 * (sample mode; in roll mode the table lists roll members only); the local poll book.
 */
import { err, ok, type Result } from '../../protocol/result';
import type { CredentialMatch } from '../../protocol/voters/provisioning-bundle';
import type { IneligibleReason } from '../rpc/api';

export interface DocumentFacts {
  /** YYYY-MM-DD or null when the document leaves it unknown. */
  readonly birthDate: string | null;
  /** MRZ alpha-3; null for AAMVA. */
  readonly nationality: string | null;
  /** Every check digit holds. */
  readonly valid: boolean;
}

export type VoterIdentity =
  | { readonly kind: 'card'; readonly credentialKey: string }
  | { readonly kind: 'document'; readonly credentialKey: string; readonly document: DocumentFacts };

export interface EligibilityContext {
  readonly now: Date;
  readonly opens: Date;
  readonly closes: Date;
  readonly minAge: number;
  /** Empty: any nationality. */
  readonly nationalities: readonly string[];
  readonly lookup: (credentialKey: string) => CredentialMatch | undefined;
  readonly styles: ReadonlySet<string>;
  /** Sample mode: voterRef → style of the selected voters; null in roll mode. */
  readonly sample: ReadonlyMap<string, string> | null;
  /** The local poll book: already checked in at this kiosk. */
  readonly checkedInHere: (voterRef: string) => boolean;
}

export interface Eligible {
  readonly voterRef: string;
  readonly style: string;
}

export interface Ineligible {
  readonly reason: IneligibleReason;
  readonly message: string;
}

/** Full years from `birth` (YYYY-MM-DD) to `at` (UTC calendar dates). */
export function ageOn(birth: string, at: Date): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  const month = at.getUTCMonth() + 1;
  if (month < m || (month === m && at.getUTCDate() < d)) age -= 1;
  return age;
}

const no = (reason: IneligibleReason, message: string) => err<Ineligible>({ reason, message });

export function checkEligibility(
  identity: VoterIdentity,
  ctx: EligibilityContext,
): Result<Eligible, Ineligible> {
  if (ctx.now < ctx.opens) {
    return no('outside-window', `Check-in opens at ${ctx.opens.toISOString()}. Please come back then.`);
  }
  if (ctx.now >= ctx.closes) {
    return no(
      'outside-window',
      `Check-in closed at ${ctx.closes.toISOString()}. No one can be checked in now.`,
    );
  }
  const what = identity.kind === 'card' ? 'card' : 'document';
  if (identity.kind === 'document') {
    const doc = identity.document;
    if (!doc.valid) {
      return no(
        'document-invalid',
        'The document failed its check digits: it may be damaged or altered. A poll worker can help.',
      );
    }
    if (doc.birthDate !== null && ageOn(doc.birthDate, ctx.now) < ctx.minAge) {
      return no('under-age', `Voters must be at least ${ctx.minAge} years old.`);
    }
    if (
      doc.nationality !== null &&
      ctx.nationalities.length > 0 &&
      !ctx.nationalities.includes(isoNationality(doc.nationality))
    ) {
      return no('nationality', 'This election is open to citizens of the participating countries only.');
    }
  }
  const match = ctx.lookup(identity.credentialKey);
  if (!match) {
    return no(
      'unknown-credential',
      `This ${what} is not registered for this election. A poll worker can tell you where to ask.`,
    );
  }
  if (!ctx.styles.has(match.style)) {
    return no(
      'unknown-credential',
      `This ${what} is registered for a ballot style this election does not have. A poll worker must call an election official.`,
    );
  }
  if (ctx.sample !== null) {
    const style = ctx.sample.get(match.voterRef);
    if (style === undefined) {
      return no(
        'not-in-sample',
        'You are on the roll but were not drawn in the sample of voters for this election.',
      );
    }
    if (style !== match.style) {
      return no(
        'not-in-sample',
        'Your registration does not match the published sample. A poll worker must call an election official.',
      );
    }
  }
  if (ctx.checkedInHere(match.voterRef)) {
    return no('already-checked-in', 'You have already checked in at this kiosk. Each voter votes once.');
  }
  return ok({ voterRef: match.voterRef, style: match.style });
}

/**
 * The package lists nationalities as ISO 3166-1 alpha-3 (DESIGN §4); an MRZ uses ICAO 9303-3 §5 codes,
 * which are the same except Germany's one-letter "D" (written "D<<"). Other ICAO-only codes (UNO, XXA,
 * GBD, ...) have no ISO equivalent and match only if the package lists them as they are.
 */
export function isoNationality(mrzCode: string): string {
  return mrzCode === 'D' ? 'DEU' : mrzCode;
}
