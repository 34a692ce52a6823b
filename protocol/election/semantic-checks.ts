/**
 * Every semantic check of DESIGN §4 that the schema cannot express, by name. The names appear as the
 * `check` of each Problem so a report can say which rule refused the package.
 */
import { checkRules } from './checks-rules';
import { checkStructure } from './checks-structure';
import type { Problem } from './problems';
import type { ElectionPackage } from './schema';

export const SEMANTIC_CHECKS = [
  'languages-unique',
  'languages-complete',
  'district-ids-unique',
  'district-tree',
  'contest-ids-unique',
  'contest-scope',
  'option-ids-unique',
  'max-choices',
  'supermajority-contest',
  'threshold-below-one',
  'style-ids-unique',
  'style-references',
  'style-district-parents',
  'style-one-country',
  'contest-in-style-scope',
  'window-order',
  'batch-limits',
  'round-previous',
  'nationalities-unique',
  'roll-counts',
  'sample-size',
  'sample-sorted',
  'sample-styles',
  'sample-reveals',
  'vkeys',
  'witnesses-unique',
  'quorum',
  'trust-certificates',
  'signatures-sorted',
] as const;
export type SemanticCheck = (typeof SEMANTIC_CHECKS)[number];

/** All semantic problems of a package that passed the schema. */
export function checkPackageSemantics(pkg: ElectionPackage): Problem[] {
  return [...checkStructure(pkg), ...checkRules(pkg)];
}
