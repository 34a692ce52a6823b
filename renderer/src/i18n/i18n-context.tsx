/**
 * The language the screen speaks, and the functions that turn catalogue keys and election strings into
 * text. The chosen language lives in memory only and goes back to the default when a voter session
 * ends (the next voter starts fresh; nothing about a voter is remembered, DESIGN §9).
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { HumanString } from '../../../main/rpc/api';
import {
  DEFAULT_LANGUAGE,
  directionOf,
  interpolate,
  uiLanguageFor,
  type Direction,
  type Messages,
  type PluralKey,
  type TextKey,
  type UiLanguage,
} from './catalogue';
import { pickHumanString, type PickedText } from './human-string';
import { CATALOGUE_LOADERS, ENGLISH, loadAllCatalogues } from './messages';

/** Fetch the other catalogues this long after the page starts, so a language switch is instant. */
const PREFETCH_AFTER_MS = 2_000;

export type Params = Readonly<Record<string, string | number>>;

export interface I18n {
  /** The language the voter chose (may be an election language outside our catalogue). */
  readonly language: string;
  /** The catalogue language used for chrome strings. */
  readonly ui: UiLanguage;
  readonly dir: Direction;
  readonly t: (key: TextKey, params?: Params) => string;
  /** Plural message: the form for `count` (also available as {count}). */
  readonly tn: (key: PluralKey, count: number, params?: Params) => string;
  readonly pick: (value: HumanString) => PickedText;
  readonly number: (value: number) => string;
  readonly dateTime: (iso: string) => string;
  readonly time: (iso: string) => string;
}

/**
 * The functions for `language`, with chrome strings from `messages` (the catalogue of `ui`). Until a
 * catalogue has arrived the caller passes English and its UiLanguage, so the page never shows Arabic
 * direction with English words or the reverse.
 */
export function createI18n(
  language: string,
  electionLanguages: readonly string[],
  ui: UiLanguage = uiLanguageFor(DEFAULT_LANGUAGE),
  messages: Messages = ENGLISH,
): I18n {
  const plural = new Intl.PluralRules(ui.htmlLang);
  const numberFormat = new Intl.NumberFormat(ui.htmlLang);
  const dateTimeFormat = new Intl.DateTimeFormat(ui.htmlLang, { dateStyle: 'medium', timeStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(ui.htmlLang, { timeStyle: 'short' });
  const fmtDate = (format: Intl.DateTimeFormat, iso: string) => {
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? format.format(ms) : iso;
  };
  return {
    language,
    ui,
    dir: directionOf(ui.tag),
    t: (key, params = {}) => interpolate(messages[key], params),
    tn: (key, count, params = {}) => {
      const forms = messages[key];
      const category = plural.select(count);
      const form = forms[category] ?? forms.other;
      return interpolate(form, { ...params, count: numberFormat.format(count) });
    },
    pick: (value) => pickHumanString(value, language, electionLanguages),
    number: (value) => numberFormat.format(value),
    dateTime: (iso) => fmtDate(dateTimeFormat, iso),
    time: (iso) => fmtDate(timeFormat, iso),
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider(props: {
  readonly language: string;
  readonly electionLanguages: readonly string[];
  readonly children: ReactNode;
}) {
  const { language, electionLanguages } = props;
  const [loaded, setLoaded] = useState<Readonly<Record<string, Messages>>>({ [DEFAULT_LANGUAGE]: ENGLISH });
  const wanted = uiLanguageFor(language);
  const messages = loaded[wanted.tag];
  useEffect(() => {
    if (messages !== undefined) return;
    let live = true;
    const load = CATALOGUE_LOADERS[wanted.tag];
    if (load) {
      void load().then((m) => {
        if (live) setLoaded((prev) => ({ ...prev, [wanted.tag]: m }));
      });
    }
    return () => {
      live = false;
    };
  }, [wanted.tag, messages]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void loadAllCatalogues().then((all) => {
        if (live) setLoaded(all);
      });
    }, PREFETCH_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  const i18n = useMemo(
    () =>
      messages === undefined
        ? createI18n(language, electionLanguages)
        : createI18n(language, electionLanguages, wanted, messages),
    [language, electionLanguages, wanted, messages],
  );
  useEffect(() => {
    // WCAG 3.1.1: the page's language, and its direction for Arabic (logical CSS does the rest).
    document.documentElement.lang = i18n.ui.htmlLang;
    document.documentElement.dir = i18n.dir;
  }, [i18n]);
  return <I18nContext.Provider value={i18n}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
