/**
 * Picks the voter's language from a human string of the election package (DESIGN §4: every human
 * string is an object keyed by BCP 47 tag). When the package lacks the voter's language we fall back
 * to the package's first language and say which language the text is in, so it is marked with its own
 * `lang` (screen readers switch voice) and the screen can tell the voter.
 */
import type { HumanString } from '../../../main/rpc/api';
import { baseLanguage } from './catalogue';

export interface PickedText {
  readonly text: string;
  /** The language the text is actually in. */
  readonly lang: string;
  /** True when it is not the language asked for. */
  readonly fallback: boolean;
}

function findTag(value: HumanString, wanted: string): string | undefined {
  const tags = Object.keys(value);
  return (
    tags.find((t) => t.toLowerCase() === wanted.toLowerCase()) ??
    tags.find((t) => baseLanguage(t) === baseLanguage(wanted))
  );
}

export function pickHumanString(
  value: HumanString,
  wanted: string,
  electionLanguages: readonly string[],
): PickedText {
  const direct = findTag(value, wanted);
  if (direct !== undefined) return { text: value[direct]!, lang: direct, fallback: false };
  for (const lang of electionLanguages) {
    const tag = findTag(value, lang);
    if (tag !== undefined) return { text: value[tag]!, lang: tag, fallback: true };
  }
  const first = Object.keys(value)[0];
  if (first !== undefined) return { text: value[first]!, lang: first, fallback: true };
  return { text: '', lang: wanted, fallback: true };
}

/** Whether the package has text in this language (for the "shown in another language" note). */
export function electionHasLanguage(electionLanguages: readonly string[], wanted: string): boolean {
  return electionLanguages.some(
    (l) => l.toLowerCase() === wanted.toLowerCase() || baseLanguage(l) === baseLanguage(wanted),
  );
}
