/** Every catalogue by its language tag (catalogue.ts UI_LANGUAGES). */
import type { Messages } from '../catalogue';
import { ar } from './ar';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ru } from './ru';
import { zh } from './zh';

export const CATALOGUES: Readonly<Record<string, Messages>> = { en, fr, es, de, ar, ru, zh };
