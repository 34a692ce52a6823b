/**
 * What a voter may adjust for themselves: language, high contrast, text size. Kept in memory only and
 * reset when their session ends, so the next voter starts from the defaults and nothing about a voter
 * outlives their session (DESIGN §9). Contrast and size act through attributes on <html>, read by the
 * stylesheet (no inline styles: the CSP has no 'unsafe-inline').
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Contrast = 'standard' | 'high';
/** 0: normal, 1: large (≈ 125 %), 2: larger (≈ 150 %); WCAG 1.4.4 asks text to work up to 200 %. */
export type TextSize = 0 | 1 | 2;

export interface Preferences {
  readonly language: string;
  readonly contrast: Contrast;
  readonly textSize: TextSize;
  readonly setLanguage: (language: string) => void;
  readonly setContrast: (contrast: Contrast) => void;
  readonly setTextSize: (size: TextSize) => void;
  /** Back to the defaults (end of a voter session). */
  readonly reset: () => void;
}

const PreferencesContext = createContext<Preferences | null>(null);

export function PreferencesProvider(props: {
  readonly defaultLanguage: string;
  readonly children: ReactNode;
}) {
  const { defaultLanguage } = props;
  const [language, setLanguage] = useState<string | null>(null);
  const [contrast, setContrast] = useState<Contrast>('standard');
  const [textSize, setTextSize] = useState<TextSize>(0);
  useEffect(() => {
    const root = document.documentElement;
    root.dataset['contrast'] = contrast;
    root.dataset['textSize'] = String(textSize);
  }, [contrast, textSize]);
  const reset = useCallback(() => {
    setLanguage(null);
    setContrast('standard');
    setTextSize(0);
  }, []);
  const value = useMemo<Preferences>(
    () => ({
      language: language ?? defaultLanguage,
      contrast,
      textSize,
      setLanguage,
      setContrast,
      setTextSize,
      reset,
    }),
    [language, defaultLanguage, contrast, textSize, reset],
  );
  return <PreferencesContext.Provider value={value}>{props.children}</PreferencesContext.Provider>;
}

export function usePreferences(): Preferences {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences outside PreferencesProvider');
  return value;
}
