/**
 * A refusal of an election package (or of any closed OGAS format) names the field and says why
 * (foundation issue: "every refusal names the field and why"): `contests[2].rule.countryThreshold.den:
 * must be a positive integer`. `check` names the rule that refused it, so a tool can group them.
 */
export interface Problem {
  /** Where, as written in JavaScript: `contests[2].options[0].label`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  /** "schema" for the shape, or the name of the semantic check (e.g. "languages-complete"). */
  readonly check: string;
}

export function formatProblem(p: Problem): string {
  return p.path === '' ? p.message : `${p.path}: ${p.message}`;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["contests", 2, "rule"]` → `contests[2].rule`; odd keys are quoted: `eligibleByCountry["U S"]`. */
export function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** The path of `key` under `base`: childPath('contests[2]', 'rule') → `contests[2].rule`. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (PLAIN_KEY.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}
