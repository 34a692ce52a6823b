/**
 * One screen of the flow. Its heading takes focus when the screen appears, so a screen reader says
 * where the voter now is and a keyboard voter continues from the top (WCAG 2.4.3 focus order).
 */
import { useEffect, useRef, type ReactNode } from 'react';

export interface ScreenProps {
  readonly title: ReactNode;
  /** Changes when the screen's content changes enough to move focus again (e.g. the contest shown). */
  readonly focusKey?: string;
  readonly className?: string;
  readonly titleLang?: string;
  readonly titleDir?: 'ltr' | 'rtl';
  readonly lead?: ReactNode;
  readonly children?: ReactNode;
  readonly actions?: ReactNode;
  readonly testId?: string | undefined;
}

export function Screen(props: ScreenProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [props.focusKey]);
  return (
    <section
      className={`screen ${props.className ?? ''}`}
      aria-labelledby="screen-title"
      data-testid={props.testId}
    >
      <h1
        id="screen-title"
        className="screen__title"
        tabIndex={-1}
        ref={heading}
        lang={props.titleLang}
        dir={props.titleDir}
      >
        {props.title}
      </h1>
      {props.lead !== undefined && <div className="screen__lead">{props.lead}</div>}
      {props.children !== undefined && <div className="screen__body">{props.children}</div>}
      {props.actions !== undefined && <div className="screen__actions">{props.actions}</div>}
    </section>
  );
}
