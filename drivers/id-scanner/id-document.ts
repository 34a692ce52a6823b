/**
 * The one typed identity document every parser produces (issue 4: drivers/id-scanner), in exactly the
 * shape `ogas id parse` prints (DESIGN §10), and the credential key a kiosk looks up in its bundle's
 * credential table (DESIGN §4, "Voters, credentials and the random sample", item 2).
 *
 * Privacy (DESIGN §8, CONVENTIONS: Logs): an IdDocument holds personal data. It is handed to the kiosk
 * backend and never logged; refusal messages describe what was wrong without echoing any of it.
 */
import type { Result } from '../../protocol/result';
import { docCredentialKey } from '../../protocol/voters/credentials';

export type DocumentFormat = 'mrz-td1' | 'mrz-td2' | 'mrz-td3' | 'aamva';

/** M = male, F = female, X = unspecified (MRZ `<` or `X`, AAMVA `9`). */
export type Sex = 'M' | 'F' | 'X';

export interface IdDocument {
  readonly format: DocumentFormat;
  /**
   * MRZ: the document code without fillers (`P`, `PK`, `I`, `ID`, `AC`, ...; ICAO 9303-4 §4.2.2,
   * 9303-5/-6 §4.2.2). AAMVA: the subfile type, `DL` (driver licence) or `ID` (identification card).
   */
  readonly documentType: string;
  /**
   * MRZ: the issuing state's ICAO alpha-3 code without fillers (`D` for Germany, `UTO` in ICAO
   * specimens). AAMVA: `USA-` or `CAN-` and the jurisdiction code, e.g. `USA-CA`, `CAN-ON` (DESIGN §4).
   */
  readonly issuingState: string;
  /** Without `<` fillers; MRZ long numbers (ICAO 9303-5 §4.2.2 note j) are joined. AAMVA: `DAQ`. */
  readonly documentNumber: string;
  readonly surname: string;
  /** Given names separated by single spaces ('' when the document has none). */
  readonly givenNames: string;
  /** MRZ alpha-3 nationality; null for AAMVA, which does not carry one. */
  readonly nationality: string | null;
  /** `YYYY-MM-DD`; null when the document leaves (part of) the date unknown (ICAO 9303-3 §4.7 fillers). */
  readonly birthDate: string | null;
  readonly sex: Sex;
  /** `YYYY-MM-DD`; reported, never judged. Null when the document states no expiry. */
  readonly expiryDate: string | null;
  /** Every check digit holds (AAMVA has none: a well-formed AAMVA document is valid). */
  readonly valid: boolean;
  /** Each check digit's verdict by name (ICAO 9303-3 §4.9); empty for AAMVA. */
  readonly checks: Readonly<Record<string, boolean>>;
}

/**
 * Why a document was refused. `where` names the field or position (never its value), so a technician
 * can act on it and no personal data reaches a log.
 */
export interface DocumentRefusal {
  readonly code:
    | 'not-a-document'
    | 'mrz-shape'
    | 'mrz-field'
    | 'aamva-header'
    | 'aamva-subfile'
    | 'aamva-element'
    | 'aamva-field'
    | 'unsupported';
  readonly message: string;
}

export function refusal(code: DocumentRefusal['code'], message: string): DocumentRefusal {
  return { code, message };
}

/**
 * DESIGN §4 credential key for a scanned document: `doc:` + issuing state + `:` + document number (no
 * `<` fillers; AAMVA `DAQ`). The kiosk hashes it with `rollSalt` to find the voter. The format has one
 * definition, protocol/voters (docCredentialKey); this only feeds it a parsed document, so a document
 * whose state or number that definition refuses comes back as a refusal naming why.
 */
export function documentCredentialKey(
  doc: Pick<IdDocument, 'issuingState' | 'documentNumber'>,
): Result<string, string> {
  return docCredentialKey(doc.issuingState, doc.documentNumber);
}
