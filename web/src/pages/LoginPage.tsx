import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, accounts } from '../api';
import { describeError, retryMinutes } from '../errors';
import { useSession } from '../session';
import { AuthLayout } from '../components/AuthLayout';
import { Field } from '../components/Field';
import { useDocumentTitle } from '../components/Page';

type FieldName = 'email' | 'password';

export function LoginPage() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const location = useLocation();
  const expired = Boolean((location.state as { expired?: boolean } | null)?.expired);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  useDocumentTitle(t('login.title'));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const missing: Partial<Record<FieldName, string>> = {};
    if (!email.trim()) missing.email = t('validation.required');
    if (!password) missing.password = t('validation.required');
    setFieldErrors(missing);
    if (Object.keys(missing).length > 0) return;

    setSubmitting(true);
    try {
      // The guard around this page sends the now signed-in person on to their home.
      signIn(await accounts.login(email.trim(), password));
    } catch (error) {
      setSubmitting(false);
      setPassword('');
      if (!(error instanceof ApiError)) return setFormError(t('errors.generic'));
      if (error.status === 429) return setFormError(t('login.tooManyAttempts', { count: retryMinutes(error) }));
      // One neutral message whatever failed (unknown email, wrong password, disabled account),
      // so the form does not reveal which emails have accounts.
      if ([401, 403, 404].includes(error.status) || error.code === 'invalid_credentials') {
        return setFormError(t('login.invalidCredentials'));
      }
      const field = error.field;
      if (field === 'email' || field === 'password') return setFieldErrors({ [field]: describeError(t, error) });
      setFormError(describeError(t, error));
    }
  }

  return (
    <AuthLayout>
      <h1 className="auth__title">{t('login.title')}</h1>
      <p className="auth__subtitle">{t('login.subtitle')}</p>
      {expired && !formError ? (
        <p className="notice notice--info" role="status">
          {t('errors.sessionExpired')}
        </p>
      ) : null}
      {formError ? (
        <p className="notice notice--error" role="alert" data-testid="form-error">
          {formError}
        </p>
      ) : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label={t('login.email')} error={fieldErrors.email} name="email">
          {(p) => (
            <input
              {...p}
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label={t('login.password')} error={fieldErrors.password} name="password">
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={submitting}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p className="auth__switch">
        {t('login.noAccount')} <Link to="/signup">{t('login.signupLink')}</Link>
      </p>
    </AuthLayout>
  );
}
