import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, accounts, type SignupInput } from '../api';
import { describeError, retryMinutes } from '../errors';
import { useSession } from '../session';
import { AuthLayout } from '../components/AuthLayout';
import { Field } from '../components/Field';
import { useDocumentTitle } from '../components/Page';

type Intent = 'sell' | 'buy';
type FieldName = 'name' | 'email' | 'password' | 'store_name';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function SignupPage() {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [intent, setIntent] = useState<Intent>('sell');
  const [values, setValues] = useState<Record<FieldName, string>>({ name: '', email: '', password: '', store_name: '' });
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  useDocumentTitle(t('signup.title'));

  const set = (name: FieldName) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const errors: Partial<Record<FieldName, string>> = {};
    if (!values.name.trim()) errors.name = t('validation.required');
    if (!values.email.trim()) errors.email = t('validation.required');
    else if (!EMAIL_SHAPE.test(values.email.trim())) errors.email = t('validation.email');
    if (!values.password) errors.password = t('validation.required');
    if (intent === 'sell' && !values.store_name.trim()) errors.store_name = t('validation.required');
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;

    const input: SignupInput = { email: values.email.trim(), password: values.password, name: values.name.trim() };
    if (intent === 'sell') input.store_name = values.store_name.trim();
    setSubmitting(true);
    try {
      const session = await accounts.signup(input);
      // Signing up signs in; if the answer carries no user, ask who we are now.
      signIn(session?.user ? session : await accounts.me());
    } catch (error) {
      setSubmitting(false);
      if (error instanceof ApiError && error.status === 429) {
        return setFormError(t('login.tooManyAttempts', { count: retryMinutes(error) }));
      }
      const field = error instanceof ApiError ? error.field : null;
      if (field && field in values) return setFieldErrors({ [field]: describeError(t, error) });
      setFormError(describeError(t, error));
    }
  }

  const err = (name: FieldName) => fieldErrors[name];

  return (
    <AuthLayout>
      <h1 className="auth__title">{t('signup.title')}</h1>
      <p className="auth__subtitle">{t('signup.subtitle')}</p>
      {formError ? (
        <p className="notice notice--error" role="alert" data-testid="form-error">
          {formError}
        </p>
      ) : null}
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="segmented">
          <legend className="field__label">{t('signup.intent')}</legend>
          <div className="segmented__options">
            {(['sell', 'buy'] as const).map((option) => (
              <label key={option} className="segmented__option">
                <input
                  type="radio"
                  name="intent"
                  value={option}
                  checked={intent === option}
                  onChange={() => setIntent(option)}
                />
                <span>{option === 'sell' ? t('signup.intentSell') : t('signup.intentBuy')}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <Field label={t('signup.name')} error={err('name')} name="name">
          {(p) => <input {...p} name="name" autoComplete="name" value={values.name} onChange={set('name')} required />}
        </Field>
        <Field label={t('signup.email')} error={err('email')} name="email">
          {(p) => (
            <input
              {...p}
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              value={values.email}
              onChange={set('email')}
              required
            />
          )}
        </Field>
        <Field label={t('signup.password')} error={err('password')} name="password">
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={set('password')}
              required
            />
          )}
        </Field>
        {intent === 'sell' ? (
          <Field label={t('signup.storeName')} hint={t('signup.storeNameHint')} error={err('store_name')} name="store_name">
            {(p) => (
              <input {...p} name="store_name" autoComplete="organization" value={values.store_name} onChange={set('store_name')} required />
            )}
          </Field>
        ) : null}
        <button type="submit" className="button button--primary button--block" disabled={submitting}>
          {submitting ? t('signup.submitting') : intent === 'sell' ? t('signup.submitSeller') : t('signup.submitBuyer')}
        </button>
      </form>
      <p className="auth__switch">
        {t('signup.haveAccount')} <Link to="/login">{t('signup.loginLink')}</Link>
      </p>
    </AuthLayout>
  );
}
