/**
 * The catalogues by language tag (catalogue.ts UI_LANGUAGES). English is bundled with the page; the
 * others are separate chunks fetched from the kiosk itself when first chosen (or prefetched when idle),
 * which keeps the first load small.
 */
import type { Messages } from '../catalogue';
import { en } from './en';

export const ENGLISH: Messages = en;

export const CATALOGUE_LOADERS: Readonly<Record<string, () => Promise<Messages>>> = {
  en: () => Promise.resolve(en),
  fr: () => import('./fr').then((m) => m.fr),
  es: () => import('./es').then((m) => m.es),
  de: () => import('./de').then((m) => m.de),
  ar: () => import('./ar').then((m) => m.ar),
  ru: () => import('./ru').then((m) => m.ru),
  zh: () => import('./zh').then((m) => m.zh),
};

/** Every catalogue, loaded (tests, and prefetching). */
export async function loadAllCatalogues(): Promise<Record<string, Messages>> {
  const entries = await Promise.all(
    Object.entries(CATALOGUE_LOADERS).map(async ([tag, load]) => [tag, await load()] as const),
  );
  return Object.fromEntries(entries);
}
