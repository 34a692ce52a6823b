/**
 * Shows an error value from the backend (or the client) to staff: the person-readable message, and the
 * refused fields one by one when there are some (bad-request, package).
 */
import type { ClientError } from '../rpc/client';
import { useI18n } from '../i18n/i18n-context';
import { Notice } from './status-mark';

export function ErrorNote(props: { readonly error: ClientError | null; readonly testId?: string }) {
  const { t } = useI18n();
  const { error } = props;
  if (!error) return null;
  return (
    <Notice tone="error" title={t('error.title')} live testId={props.testId ?? 'error-note'}>
      <p lang="en" dir="ltr">
        {error.message}
      </p>
      {error.issues && error.issues.length > 0 && (
        <ul className="issue-list" lang="en" dir="ltr">
          {error.issues.map((issue, i) => (
            <li key={`${issue.path}-${i}`}>
              {issue.path !== '' && <code>{issue.path}</code>} {issue.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}
