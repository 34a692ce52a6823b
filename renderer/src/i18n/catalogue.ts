/**
 * The UI's own message catalogue (chrome strings: buttons, instructions, refusals). Strings of the
 * election itself come from the package, keyed by language (DESIGN §4), and are picked by
 * human-string.ts. English is the reference: every other language must have every key (checked by the
 * type below at compile time and by catalogue.test.ts at test time, including plural categories).
 */
import type { en } from './messages/en';

/** A message that varies with a count, one form per CLDR plural category of the language. */
export type PluralMessage = { readonly other: string } & Partial<
  Readonly<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>
>;
export type Message = string | PluralMessage;

export type MessageKey = keyof typeof en;
export type PluralKey = { [K in MessageKey]: (typeof en)[K] extends string ? never : K }[MessageKey];
export type TextKey = Exclude<MessageKey, PluralKey>;

/** Same keys as English; a string where English has a string, plural forms where it has them. */
export type Messages = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : PluralMessage };

export type Direction = 'ltr' | 'rtl';

export interface UiLanguage {
  /** The tag the election package uses (BCP 47). */
  readonly tag: string;
  /** The name of the language in itself, so a voter finds their own. */
  readonly autonym: string;
  readonly dir: Direction;
  /** For the html lang attribute (script subtag where it picks the right fonts). */
  readonly htmlLang: string;
}

export const UI_LANGUAGES: readonly UiLanguage[] = [
  { tag: 'en', autonym: 'English', dir: 'ltr', htmlLang: 'en' },
  { tag: 'fr', autonym: 'Français', dir: 'ltr', htmlLang: 'fr' },
  { tag: 'es', autonym: 'Español', dir: 'ltr', htmlLang: 'es' },
  { tag: 'de', autonym: 'Deutsch', dir: 'ltr', htmlLang: 'de' },
  { tag: 'ar', autonym: 'العربية', dir: 'rtl', htmlLang: 'ar' },
  { tag: 'ru', autonym: 'Русский', dir: 'ltr', htmlLang: 'ru' },
  { tag: 'zh', autonym: '中文', dir: 'ltr', htmlLang: 'zh-Hans' },
];

export const DEFAULT_LANGUAGE = 'en';

/** Scripts written right to left (for election languages outside our catalogue too). */
const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'dv', 'yi', 'ku', 'sd', 'ug']);

export function baseLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

export function directionOf(tag: string): Direction {
  return RTL_LANGUAGES.has(baseLanguage(tag)) ? 'rtl' : 'ltr';
}

/** The catalogue language for a tag: exact, then by base language, else English. */
export function uiLanguageFor(tag: string): UiLanguage {
  const exact = UI_LANGUAGES.find((l) => l.tag.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const base = UI_LANGUAGES.find((l) => l.tag === baseLanguage(tag));
  return base ?? UI_LANGUAGES[0]!;
}

/** The name of `tag` written in its own language ("Français"), or the tag itself if unknown. */
export function autonymOf(tag: string): string {
  const known = UI_LANGUAGES.find((l) => l.tag.toLowerCase() === tag.toLowerCase());
  if (known) return known.autonym;
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    return name ?? tag;
  } catch {
    return tag;
  }
}

/** Replaces `{name}` placeholders; a missing parameter is a bug in the caller, so it throws. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`message parameter {${name}} was not given`);
    return String(value);
  });
}

/** The placeholders a message uses (every form of a plural message), sorted. */
export function placeholdersOf(message: Message): string[] {
  const forms = typeof message === 'string' ? [message] : Object.values(message);
  const names = new Set<string>();
  for (const form of forms) for (const m of form.matchAll(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g)) names.add(m[1]!);
  return [...names].sort();
}

/**
 * The languages a voter can pick: the election's own languages first (its strings exist in them), then
 * the rest of our catalogue (chrome translated, election strings shown in a fallback language).
 */
export function languageChoices(electionLanguages: readonly string[]): readonly string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const tag of [...electionLanguages, ...UI_LANGUAGES.map((l) => l.tag)]) {
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    // "fr" in our catalogue and "fr-CA" in a package are different choices only if both are named.
    seen.add(key);
    out.push(tag);
  }
  return out;
}
