/**
 * A state shown by an icon shape AND a word, never by colour alone (WCAG 1.4.1): ✓ ok, ! warning,
 * ✕ error, … pending, i info. The icon is decorative; the word carries the meaning.
 */
import type { ReactNode } from 'react';

export type Tone = 'ok' | 'warning' | 'error' | 'pending' | 'info';

const ICON: Record<Tone, string> = { ok: '✓', warning: '!', error: '✕', pending: '…', info: 'i' };

export function StatusMark(props: { readonly tone: Tone; readonly children: ReactNode }) {
  return (
    <span className={`status-mark status-mark--${props.tone}`}>
      <span className="status-mark__icon" aria-hidden="true">
        {ICON[props.tone]}
      </span>
      <span className="status-mark__text">{props.children}</span>
    </span>
  );
}

export function Notice(props: {
  readonly tone: Tone;
  readonly title?: ReactNode;
  readonly children?: ReactNode;
  /** role="alert" for errors that appear after an action; omit for static notices. */
  readonly live?: boolean;
  readonly testId?: string | undefined;
}) {
  return (
    <div
      className={`notice notice--${props.tone}`}
      role={props.live ? (props.tone === 'error' ? 'alert' : 'status') : undefined}
      data-testid={props.testId}
    >
      <span className="notice__icon" aria-hidden="true">
        {ICON[props.tone]}
      </span>
      <div className="notice__content">
        {props.title !== undefined && <p className="notice__title">{props.title}</p>}
        {props.children}
      </div>
    </div>
  );
}
