/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert, keeps
 * focus inside and gives Escape for free (WCAG 2.1.2, 2.4.3). Used to confirm what cannot be undone
 * (leave without voting, close polls, unconfigure) and for the inactivity warning.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './button';

export interface DialogProps {
  readonly open: boolean;
  readonly title: ReactNode;
  readonly children?: ReactNode;
  /** Called on Escape or the cancel button. */
  readonly onCancel: () => void;
  readonly actions: ReactNode;
  /** alertdialog for urgent questions (timeout warning, destructive confirmations). */
  readonly alert?: boolean;
  readonly testId?: string | undefined;
}

export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const { open, onCancel } = props;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
  }, [open]);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancel();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, [onCancel]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      role={props.alert ? 'alertdialog' : 'dialog'}
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      data-testid={props.testId}
    >
      {open && (
        <>
          <h2 id={`${id}-title`} className="dialog__title">
            {props.title}
          </h2>
          <div id={`${id}-body`} className="dialog__body">
            {props.children}
          </div>
          <div className="dialog__actions">{props.actions}</div>
        </>
      )}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: ReactNode;
  readonly children?: ReactNode;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly danger?: boolean;
  readonly busy?: boolean;
  readonly testId?: string | undefined;
}

/** The safe choice (cancel) comes first and takes focus; the risky one is named for what it does. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onCancel={props.onCancel}
      alert={props.danger ?? false}
      testId={props.testId}
      actions={
        <>
          <Button variant="secondary" size="large" autoFocus onClick={props.onCancel}>
            {props.cancelLabel}
          </Button>
          <Button
            variant={props.danger ? 'danger' : 'primary'}
            size="large"
            busy={props.busy ?? false}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </Button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
