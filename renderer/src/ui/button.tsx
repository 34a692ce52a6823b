/**
 * The one button of the UI: a native <button> (keyboard, switch access and screen readers for free),
 * at least 48 px high (WCAG 2.5.8 asks 24, kiosks guidance 44+). While busy it stays focusable and says
 * so (aria-disabled), instead of `disabled`, which would drop a keyboard voter's focus to the page.
 */
import type { ButtonHTMLAttributes, ReactNode } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'disabled'> {
  readonly variant?: ButtonVariant;
  readonly size?: 'normal' | 'large';
  /** Shown and announced while an action runs; clicks are ignored meanwhile. */
  readonly busy?: boolean;
  readonly busyLabel?: string;
  /** Not available now: stays focusable, announced as unavailable, clicks ignored. */
  readonly unavailable?: boolean;
  readonly type?: 'button' | 'submit';
  readonly children: ReactNode;
}

export function Button(props: ButtonProps) {
  const {
    variant = 'secondary',
    size = 'normal',
    busy = false,
    busyLabel,
    unavailable = false,
    type = 'button',
    className,
    onClick,
    children,
    ...rest
  } = props;
  const inactive = busy || unavailable;
  const classes = ['btn', `btn--${variant}`, size === 'large' ? 'btn--large' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      {...rest}
      type={type}
      className={classes}
      aria-disabled={inactive ? true : undefined}
      aria-busy={busy ? true : undefined}
      onClick={(event) => {
        if (inactive) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    >
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" />
          <span>{busyLabel ?? children}</span>
        </>
      ) : (
        children
      )}
    </button>
  );
}
