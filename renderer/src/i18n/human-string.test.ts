import { describe, expect, it } from 'vitest';
import { electionHasLanguage, pickHumanString } from './human-string';

const TITLE = { en: 'Election', fr: 'Élection', 'es-MX': 'Elección' };

describe('pickHumanString (DESIGN §4: human strings keyed by language)', () => {
  it('takes the exact language, then the base language', () => {
    expect(pickHumanString(TITLE, 'fr', ['en'])).toEqual({ text: 'Élection', lang: 'fr', fallback: false });
    expect(pickHumanString(TITLE, 'fr-CA', ['en'])).toEqual({
      text: 'Élection',
      lang: 'fr',
      fallback: false,
    });
    expect(pickHumanString(TITLE, 'es', ['en'])).toEqual({
      text: 'Elección',
      lang: 'es-MX',
      fallback: false,
    });
  });

  it('falls back to the first election language it has, and says so', () => {
    expect(pickHumanString(TITLE, 'ar', ['fr', 'en'])).toEqual({
      text: 'Élection',
      lang: 'fr',
      fallback: true,
    });
    expect(pickHumanString({ de: 'Wahl' }, 'ar', ['en'])).toEqual({
      text: 'Wahl',
      lang: 'de',
      fallback: true,
    });
  });

  it('knows whether the election speaks a language', () => {
    expect(electionHasLanguage(['en', 'fr'], 'fr-BE')).toBe(true);
    expect(electionHasLanguage(['en', 'fr'], 'ar')).toBe(false);
  });
});
