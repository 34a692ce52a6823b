/**
 * Small lookups over a validated package that the checks, the tally, the kiosk and the ledger share:
 * a style's country, the country districts (C of DESIGN §4 counting rules), a contest's styles.
 */
import type { BallotStyle, Contest, District, ElectionPackage } from './schema';

export function districtsById(pkg: ElectionPackage): Map<string, District> {
  return new Map(pkg.districts.map((d) => [d.id, d]));
}

export function stylesById(pkg: ElectionPackage): Map<string, BallotStyle> {
  return new Map(pkg.ballotStyles.map((s) => [s.id, s]));
}

export function contestsById(pkg: ElectionPackage): Map<string, Contest> {
  return new Map(pkg.contests.map((c) => [c.id, c]));
}

/** Ids of the package's country districts, in package order (C = their number, DESIGN §4). */
export function countryIds(pkg: ElectionPackage): string[] {
  return pkg.districts.filter((d) => d.kind === 'country').map((d) => d.id);
}

/** The one country a style names (DESIGN §4: at most one), or undefined. */
export function styleCountry(pkg: ElectionPackage, style: BallotStyle): string | undefined {
  const byId = districtsById(pkg);
  return style.districts.find((id) => byId.get(id)?.kind === 'country');
}
