import { describe, expect, it } from 'vitest';
import {
  autonymOf,
  directionOf,
  interpolate,
  languageChoices,
  placeholdersOf,
  uiLanguageFor,
  UI_LANGUAGES,
  type Message,
} from './catalogue';
import { createI18n, type I18n } from './i18n-context';
import { loadAllCatalogues } from './messages';
import { en } from './messages/en';

const CATALOGUES = await loadAllCatalogues();

function i18nFor(tag: string, electionLanguages: readonly string[] = []): I18n {
  return createI18n(tag, electionLanguages, uiLanguageFor(tag), CATALOGUES[tag]);
}

const KEYS = Object.keys(en).sort();

describe('message catalogue completeness', () => {
  it('has a catalogue for every UI language, and no other', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual(UI_LANGUAGES.map((l) => l.tag).sort());
    expect(UI_LANGUAGES.map((l) => l.tag)).toEqual(
      expect.arrayContaining(['en', 'fr', 'es', 'de', 'ar', 'ru', 'zh']),
    );
  });

  for (const lang of UI_LANGUAGES) {
    describe(lang.tag, () => {
      const messages: Record<string, Message> = CATALOGUES[lang.tag]!;
      const categories = new Intl.PluralRules(lang.htmlLang).resolvedOptions().pluralCategories;

      it('has exactly the English keys', () => {
        expect(Object.keys(messages).sort()).toEqual(KEYS);
      });

      it('has no empty message and the same kind (text or plural) as English', () => {
        for (const key of KEYS) {
          const message = messages[key]!;
          const reference = (en as Record<string, Message>)[key]!;
          expect(typeof message, key).toBe(typeof reference);
          const forms = typeof message === 'string' ? [message] : Object.values(message);
          for (const form of forms) expect(form.trim(), key).not.toBe('');
        }
      });

      it('uses the same placeholders as English in every message', () => {
        for (const key of KEYS) {
          const reference = placeholdersOf((en as Record<string, Message>)[key]!);
          const own = placeholdersOf(messages[key]!);
          // A plural form may spell the number out ("two digits"); the message as a whole may not
          // lose a placeholder other than {count}, nor invent one.
          expect(
            own.filter((p) => p !== 'count'),
            key,
          ).toEqual(reference.filter((p) => p !== 'count'));
          expect(
            own.every((p) => reference.includes(p)),
            key,
          ).toBe(true);
        }
      });

      it(`has every CLDR plural form of ${lang.tag} (${categories.join(', ')}) in plural messages`, () => {
        for (const key of KEYS) {
          const message = messages[key]!;
          if (typeof message === 'string') continue;
          for (const category of categories) expect(message[category], `${key}.${category}`).toBeDefined();
          for (const form of Object.keys(message)) expect(categories, `${key}.${form}`).toContain(form);
        }
      });

      it('formats every message with sample parameters without throwing', () => {
        const i18n = i18nFor(lang.tag, ['en']);
        for (const key of KEYS) {
          const reference = (en as Record<string, Message>)[key]!;
          const sample = Object.fromEntries(placeholdersOf(reference).map((p) => [p, `<${p}>`]));
          if (typeof reference === 'string') expect(i18n.t(key as never, sample)).not.toBe('');
          else
            for (const n of [0, 1, 2, 3, 5, 11, 21, 100])
              expect(i18n.tn(key as never, n, sample)).not.toMatch(/\{/);
        }
      });
    });
  }
});

describe('languages and directions', () => {
  it('writes Arabic right to left and the others left to right', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('ar-EG')).toBe('rtl');
    expect(directionOf('he')).toBe('rtl');
    for (const tag of ['en', 'fr', 'es', 'de', 'ru', 'zh']) expect(directionOf(tag)).toBe('ltr');
    expect(i18nFor('ar').dir).toBe('rtl');
    expect(i18nFor('fr').dir).toBe('ltr');
  });

  it('falls back from a regional tag to its base language, then to English', () => {
    expect(uiLanguageFor('fr-CA').tag).toBe('fr');
    expect(uiLanguageFor('zh-Hans').tag).toBe('zh');
    expect(uiLanguageFor('sw').tag).toBe('en');
  });

  it('names each language in itself', () => {
    expect(autonymOf('ar')).toBe('العربية');
    expect(autonymOf('de')).toBe('Deutsch');
    expect(autonymOf('it')).toMatch(/italiano/i);
  });

  it('offers the election languages first, then the rest of the catalogue, once each', () => {
    const choices = languageChoices(['es', 'it', 'en']);
    expect(choices.slice(0, 3)).toEqual(['es', 'it', 'en']);
    expect(new Set(choices).size).toBe(choices.length);
    expect(choices).toEqual(expect.arrayContaining(['ar', 'zh', 'ru', 'de', 'fr']));
  });
});

describe('interpolate', () => {
  it('fills placeholders and refuses a missing one', () => {
    expect(interpolate('Contest {index} of {total}', { index: 2, total: 5 })).toBe('Contest 2 of 5');
    expect(() => interpolate('Hello {name}', {})).toThrow(/\{name\}/);
  });

  it('chooses Arabic and Russian plural forms by CLDR rules', () => {
    const ar = i18nFor('ar');
    expect(ar.tn('timeout.body', 2)).toBe('ستنتهي جلستك خلال ثانيتين.');
    const ru = i18nFor('ru');
    expect(ru.tn('timeout.body', 1)).toMatch(/секунду/);
    expect(ru.tn('timeout.body', 3)).toMatch(/секунды/);
    expect(ru.tn('timeout.body', 25)).toMatch(/секунд\./);
  });
});
