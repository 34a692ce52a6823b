/**
 * Live regions (WCAG 4.1.3 status messages): one polite, one assertive, always in the page so screen
 * readers have registered them before anything is said. `announce` puts text in; saying the same text
 * twice still speaks, because the region is cleared first.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export type Politeness = 'polite' | 'assertive';

interface Announcer {
  readonly announce: (message: string, politeness?: Politeness) => void;
}

const AnnouncerContext = createContext<Announcer | null>(null);

export function AnnouncerProvider(props: { readonly children: ReactNode }) {
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const announce = useCallback((message: string, politeness: Politeness = 'polite') => {
    const set = politeness === 'assertive' ? setAssertive : setPolite;
    set('');
    timers.current.push(setTimeout(() => set(message), 50));
  }, []);
  const value = useMemo(() => ({ announce }), [announce]);
  return (
    <AnnouncerContext.Provider value={value}>
      {props.children}
      <div
        className="visually-hidden"
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="live-polite"
      >
        {polite}
      </div>
      <div
        className="visually-hidden"
        role="alert"
        aria-live="assertive"
        aria-atomic="true"
        data-testid="live-assertive"
      >
        {assertive}
      </div>
    </AnnouncerContext.Provider>
  );
}

export function useAnnounce(): Announcer['announce'] {
  const announcer = useContext(AnnouncerContext);
  if (!announcer) throw new Error('useAnnounce outside AnnouncerProvider');
  return announcer.announce;
}
