/**
 * Semantic checks of the package's structure (DESIGN §4) that a schema cannot express: languages of
 * every human string, the district tree, contests and their rules, and ballot styles. Each check has a
 * name (the `check` of its Problems) so a report can say which rule refused the package.
 */
import { childPath, type Problem } from './problems';
import { ALPHA3_RE, type HumanString } from './primitives';
import type { ElectionPackage } from './schema';

type Push = (check: string, path: string, message: string) => void;

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  check: string,
  base: string,
  push: Push,
) {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else
      push(
        check,
        childPath(childPath(base, i), 'id'),
        `${JSON.stringify(k)} is used twice (first at ${base}[${first}])`,
      );
  }
}

function checkHumanString(pkg: ElectionPackage, value: HumanString, path: string, push: Push): void {
  for (const lang of pkg.languages) {
    if (!Object.hasOwn(value, lang))
      push(
        'languages-complete',
        path,
        `has no text in language "${lang}" (every language of languages is required)`,
      );
  }
  for (const lang of Object.keys(value)) {
    if (!pkg.languages.includes(lang))
      push('languages-complete', childPath(path, lang), `language "${lang}" is not in languages`);
  }
}

function checkLanguages(pkg: ElectionPackage, push: Push): void {
  const seen = new Set<string>();
  for (const [i, lang] of pkg.languages.entries()) {
    if (seen.has(lang)) push('languages-unique', `languages[${i}]`, `"${lang}" is listed twice`);
    seen.add(lang);
  }
  checkHumanString(pkg, pkg.title, 'title', push);
  for (const [i, contest] of pkg.contests.entries()) {
    checkHumanString(pkg, contest.question, `contests[${i}].question`, push);
    for (const [j, option] of contest.options.entries()) {
      checkHumanString(pkg, option.label, `contests[${i}].options[${j}].label`, push);
    }
  }
}

/** Countries are alpha-3 with parent null; a state's parent is a country; a block's a country or state. */
function checkDistricts(pkg: ElectionPackage, push: Push): void {
  duplicates(pkg.districts, (d) => d.id, 'district-ids-unique', 'districts', push);
  const byId = new Map(pkg.districts.map((d) => [d.id, d]));
  for (const [i, d] of pkg.districts.entries()) {
    const at = `districts[${i}]`;
    if (d.id === 'global')
      push('district-tree', `${at}.id`, '"global" is reserved for the scope of global contests');
    if (d.kind === 'country') {
      if (!ALPHA3_RE.test(d.id))
        push(
          'district-tree',
          `${at}.id`,
          `a country id must be an ISO 3166-1 alpha-3 code (three uppercase letters), not "${d.id}"`,
        );
      if (d.parent !== null) push('district-tree', `${at}.parent`, 'a country has parent null');
      continue;
    }
    if (d.parent === null) {
      push('district-tree', `${at}.parent`, `a ${d.kind} must have a parent district`);
      continue;
    }
    const parent = byId.get(d.parent);
    if (parent === undefined) {
      push('district-tree', `${at}.parent`, `no district has id "${d.parent}"`);
    } else if (d.kind === 'state' && parent.kind !== 'country') {
      push(
        'district-tree',
        `${at}.parent`,
        `a state's parent must be a country, "${d.parent}" is a ${parent.kind}`,
      );
    } else if (d.kind === 'block' && parent.kind === 'block') {
      push(
        'district-tree',
        `${at}.parent`,
        `a block's parent must be a country or a state, "${d.parent}" is a block`,
      );
    }
  }
}

function checkContests(pkg: ElectionPackage, push: Push): void {
  duplicates(pkg.contests, (c) => c.id, 'contest-ids-unique', 'contests', push);
  const districtIds = new Set(pkg.districts.map((d) => d.id));
  for (const [i, c] of pkg.contests.entries()) {
    const at = `contests[${i}]`;
    if (c.scope !== 'global' && !districtIds.has(c.scope)) {
      push(
        'contest-scope',
        `${at}.scope`,
        `must be "global" or a district id; no district has id "${c.scope}"`,
      );
    }
    duplicates(c.options, (o) => o.id, 'option-ids-unique', `${at}.options`, push);
    if (c.maxChoices > c.options.length) {
      push(
        'max-choices',
        `${at}.maxChoices`,
        `is ${c.maxChoices} but the contest has only ${c.options.length} option(s)`,
      );
    }
    const rule = c.rule;
    if (rule.kind !== 'country-supermajority') continue;
    if (!c.options.some((o) => o.id === 'yes')) {
      push(
        'supermajority-contest',
        `${at}.options`,
        'a country-supermajority contest needs an option with id "yes"',
      );
    }
    if (c.scope !== 'global') {
      push(
        'supermajority-contest',
        `${at}.scope`,
        'a country-supermajority contest counts every country of the package, so its scope must be "global"',
      );
    }
    if (c.maxChoices !== 1) {
      push(
        'supermajority-contest',
        `${at}.maxChoices`,
        'a country-supermajority contest is a yes/no question: maxChoices must be 1',
      );
    }
    for (const name of ['countryThreshold', 'passThreshold'] as const) {
      const t = rule[name];
      // DESIGN §4 compares with ">", so num/den ≥ 1 could never be met.
      if (t.num >= t.den)
        push(
          'threshold-below-one',
          `${at}.rule.${name}`,
          `${t.num}/${t.den} can never be exceeded: num must be less than den`,
        );
    }
  }
}

function checkStyles(pkg: ElectionPackage, push: Push): void {
  duplicates(pkg.ballotStyles, (s) => s.id, 'style-ids-unique', 'ballotStyles', push);
  const districts = new Map(pkg.districts.map((d) => [d.id, d]));
  const contests = new Map(pkg.contests.map((c) => [c.id, c]));
  for (const [i, style] of pkg.ballotStyles.entries()) {
    const at = `ballotStyles[${i}]`;
    const inStyle = new Set(style.districts);
    const countries: string[] = [];
    for (const [j, id] of style.districts.entries()) {
      const d = districts.get(id);
      if (style.districts.indexOf(id) !== j)
        push('style-references', `${at}.districts[${j}]`, `"${id}" is listed twice`);
      if (d === undefined) {
        push('style-references', `${at}.districts[${j}]`, `no district has id "${id}"`);
        continue;
      }
      if (d.kind === 'country') countries.push(id);
      else if (d.parent !== null && !inStyle.has(d.parent)) {
        push(
          'style-district-parents',
          `${at}.districts[${j}]`,
          `"${id}" is in the style but its parent "${d.parent}" is not`,
        );
      }
    }
    if (countries.length > 1)
      push(
        'style-one-country',
        `${at}.districts`,
        `names ${countries.length} countries (${countries.join(', ')}); a style names at most one`,
      );
    for (const [j, id] of style.contests.entries()) {
      const c = contests.get(id);
      if (style.contests.indexOf(id) !== j)
        push('style-references', `${at}.contests[${j}]`, `"${id}" is listed twice`);
      if (c === undefined) {
        push('style-references', `${at}.contests[${j}]`, `no contest has id "${id}"`);
        continue;
      }
      if (c.scope !== 'global' && !inStyle.has(c.scope)) {
        push(
          'contest-in-style-scope',
          `${at}.contests[${j}]`,
          `contest "${id}" has scope "${c.scope}", which is not among the style's districts`,
        );
      }
    }
  }
}

/** Runs the structural checks; each Problem names its check. */
export function checkStructure(pkg: ElectionPackage): Problem[] {
  const problems: Problem[] = [];
  const push: Push = (check, path, message) => problems.push({ check, path, message });
  checkLanguages(pkg, push);
  checkDistricts(pkg, push);
  checkContests(pkg, push);
  checkStyles(pkg, push);
  return problems;
}
