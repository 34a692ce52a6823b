/**
 * Semantic checks of the package's rules (DESIGN §4) beyond its structure: window order, round and
 * previous, qualifications (roll counts, the sample's shape, order and reveals), the ledger's keys and
 * quorum, the trust anchors, and the order of signatures.
 */
import { checkReveals } from '../voters/sample';
import { parseCertificate } from '../certificates';
import { x509 } from '../x509';
import { countryIds, districtsById, styleCountry, stylesById } from './lookups';
import type { Problem } from './problems';
import type { ElectionPackage } from './schema';
import { parseVkey } from '../checkpoint/vkey';

type Push = (check: string, path: string, message: string) => void;

function checkWindow(pkg: ElectionPackage, push: Push): void {
  if (Date.parse(pkg.window.opens) >= Date.parse(pkg.window.closes)) {
    push('window-order', 'window.closes', `must be later than window.opens (${pkg.window.opens})`);
  }
}

/**
 * The smallest batch a kiosk may send that is not final holds minBatch ballots plus its manifest, all
 * in one request (DESIGN §5, §6: at most maxBatch entries a request); otherwise no kiosk could ever send.
 */
function checkBatchLimits(pkg: ElectionPackage, push: Push): void {
  if (pkg.privacy.minBatch + 1 > pkg.limits.maxBatch) {
    push(
      'batch-limits',
      'limits.maxBatch',
      `must be at least privacy.minBatch + 1 (${pkg.privacy.minBatch + 1}): a batch of minBatch ballots and its manifest travel in one request`,
    );
  }
}

function checkRounds(pkg: ElectionPackage, push: Push): void {
  if (pkg.previous !== undefined && (pkg.round === undefined || pkg.round < 2)) {
    push('round-previous', 'round', 'a package with previous is a later round: round must be 2 or more');
  }
  if (pkg.round !== undefined && pkg.round >= 2 && pkg.previous === undefined) {
    push('round-previous', 'previous', `round ${pkg.round} must name the electionId of the round before`);
  }
}

function checkQualifications(pkg: ElectionPackage, push: Push): void {
  const q = pkg.qualifications;
  q.nationalities.forEach((n, i) => {
    if (q.nationalities.indexOf(n) !== i)
      push('nationalities-unique', `qualifications.nationalities[${i}]`, `"${n}" is listed twice`);
  });
  const countries = new Set(countryIds(pkg));
  const v = q.voters;
  if (v.mode === 'roll') {
    let sum = 0;
    for (const [country, n] of Object.entries(v.eligibleByCountry)) {
      sum += n;
      if (!countries.has(country))
        push(
          'roll-counts',
          `qualifications.voters.eligibleByCountry.${country}`,
          `"${country}" is not a country district of the package`,
        );
    }
    if (sum !== v.count)
      push(
        'roll-counts',
        'qualifications.voters.count',
        `is ${v.count} but eligibleByCountry adds up to ${sum}`,
      );
    return;
  }
  const at = 'qualifications.voters';
  const want = Math.min(v.k, v.rollCount);
  if (v.selected.length !== want) {
    push('sample-size', `${at}.selected`, `lists ${v.selected.length} voters; min(k, rollCount) = ${want}`);
  }
  const styles = stylesById(pkg);
  const districts = districtsById(pkg);
  for (const [i, s] of v.selected.entries()) {
    const prev = v.selected[i - 1];
    if (prev !== undefined && prev.voterRef >= s.voterRef) {
      push(
        'sample-sorted',
        `${at}.selected[${i}].voterRef`,
        'selected must be sorted by voterRef, each voter once',
      );
    }
    const style = styles.get(s.style);
    if (style === undefined) {
      push('sample-styles', `${at}.selected[${i}].style`, `no ballot style has id "${s.style}"`);
      continue;
    }
    if (districts.get(s.country)?.kind !== 'country') {
      push(
        'sample-styles',
        `${at}.selected[${i}].country`,
        `"${s.country}" is not a country district of the package`,
      );
    }
    const styleCountryId = styleCountry(pkg, style);
    if (styleCountryId !== undefined && styleCountryId !== s.country) {
      push(
        'sample-styles',
        `${at}.selected[${i}].style`,
        `style "${s.style}" is for ${styleCountryId}, the voter's country is ${s.country}`,
      );
    }
  }
  const reveals = checkReveals(v.commits, v.reveals);
  if (!reveals.ok) {
    for (const p of reveals.error)
      push('sample-reveals', p.party === 0 ? `${at}.reveals` : `${at}.reveals[${p.party - 1}]`, p.message);
  }
}

function checkLedger(pkg: ElectionPackage, push: Push): void {
  const l = pkg.ledger;
  const log = parseVkey(l.logKey);
  if (!log.ok) push('vkeys', 'ledger.logKey', log.error);
  // DESIGN §6: the log signs as the cosigner named by its origin.
  else if (log.value.name !== l.origin)
    push(
      'vkeys',
      'ledger.logKey',
      `is named "${log.value.name}" but the log signs as its origin "${l.origin}"`,
    );
  const names = new Set<string>();
  const keys = new Set<string>([l.logKey]);
  for (const [i, w] of l.witnesses.entries()) {
    const parsed = parseVkey(w.key);
    if (!parsed.ok) push('vkeys', `ledger.witnesses[${i}].key`, parsed.error);
    else if (parsed.value.name !== w.name)
      push('vkeys', `ledger.witnesses[${i}].key`, `is named "${parsed.value.name}", not "${w.name}"`);
    if (names.has(w.name))
      push('witnesses-unique', `ledger.witnesses[${i}].name`, `"${w.name}" is listed twice`);
    if (keys.has(w.key))
      push(
        'witnesses-unique',
        `ledger.witnesses[${i}].key`,
        'this key is used twice (a witness must be independent of the log and of the other witnesses)',
      );
    names.add(w.name);
    keys.add(w.key);
  }
  if (l.quorum > l.witnesses.length) {
    push('quorum', 'ledger.quorum', `is ${l.quorum} but only ${l.witnesses.length} witness(es) are listed`);
  }
}

function checkTrust(pkg: ElectionPackage, push: Push): void {
  for (const group of ['voters', 'officials'] as const) {
    for (const [i, pem] of pkg.trust[group].entries()) {
      const cert = parseCertificate(pem);
      if (!cert.ok) {
        push('trust-certificates', `trust.${group}[${i}]`, cert.error.message);
        continue;
      }
      if (cert.value.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
        push(
          'trust-certificates',
          `trust.${group}[${i}]`,
          `"${cert.value.subject}" is not a CA certificate (basicConstraints CA)`,
        );
      }
    }
  }
  if (pkg.trust.officials.length === 0) {
    push(
      'trust-certificates',
      'trust.officials',
      'must list at least one CA: kiosks are enrolled and polls opened with official cards',
    );
  }
}

function checkSignatureOrder(pkg: ElectionPackage, push: Push): void {
  for (let i = 1; i < pkg.signatures.length; i++) {
    if (pkg.signatures[i - 1]!.key >= pkg.signatures[i]!.key) {
      push('signatures-sorted', `signatures[${i}].key`, 'signatures must be sorted by key, one per key');
    }
  }
}

export function checkRules(pkg: ElectionPackage): Problem[] {
  const problems: Problem[] = [];
  const push: Push = (check, path, message) => problems.push({ check, path, message });
  checkWindow(pkg, push);
  checkBatchLimits(pkg, push);
  checkRounds(pkg, push);
  checkQualifications(pkg, push);
  checkLedger(pkg, push);
  checkTrust(pkg, push);
  checkSignatureOrder(pkg, push);
  return problems;
}
