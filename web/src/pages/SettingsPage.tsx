import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, stores, type Store } from '../api';
import { describeError } from '../errors';
import { CURRENCIES, formatMinorAsMajor } from '../money';
import { useSession } from '../session';
import { Field, type ControlProps } from '../components/Field';
import { CheckIcon, CloseIcon } from '../components/Icons';
import { PageHeader } from '../components/Page';
import {
  FIELD_FOR_PARAM,
  formToUpdate,
  formsEqual,
  storeToForm,
  type FieldProblem,
  type SettingsField,
  type SettingsForm,
} from './settingsForm';

const STORE_LOCALES = ['en', 'es'] as const;
const TOAST_MS = 4000;

/** A client-side problem (translated at render, so it follows the language) or a server message. */
type ShownError = FieldProblem | { text: string };

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

function currencyName(code: string, language: string): string {
  try {
    const name = new Intl.DisplayNames([language], { type: 'currency' }).of(code);
    return name && name !== code ? `${code} — ${name}` : code;
  } catch {
    return code;
  }
}

export function SettingsPage() {
  const { t, i18n } = useTranslation();
  const { setStore } = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [original, setOriginal] = useState<Store | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [errors, setErrors] = useState<Partial<Record<SettingsField, ShownError>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    stores
      .get(controller.signal)
      .then((store) => {
        setOriginal(store);
        setForm(storeToForm(store));
        setLoad({ status: 'ready' });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', message: describeError(t, error) });
      });
    return () => controller.abort();
    // `t` changes with the language; reloading the store for that is not wanted.
  }, [attempt]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  const dirty = useMemo(() => (form && original ? !formsEqual(form, storeToForm(original)) : false), [form, original]);

  function update<K extends SettingsField>(field: K, value: SettingsForm[K]) {
    setForm((f) => (f ? { ...f, [field]: value } : f));
    setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
  }

  function focusFirstError(fields: SettingsField[]) {
    // Wait for the error markup, then move focus to the first invalid control in form order.
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (first) first.focus();
      else if (fields[0]) formRef.current?.querySelector<HTMLElement>(`[name="${fields[0]}"]`)?.focus();
    });
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!form || !original) return;
    setFormError(null);
    setToast(null);
    const result = formToUpdate(form, original);
    if (!result.ok) {
      setErrors(result.errors);
      setFormError(t('settings.fixErrors'));
      focusFirstError(Object.keys(result.errors) as SettingsField[]);
      return;
    }
    setErrors({});
    if (Object.keys(result.changes).length === 0) {
      setToast(t('settings.noChanges'));
      return;
    }
    setSaving(true);
    try {
      const saved = await stores.update(result.changes);
      setOriginal(saved);
      setForm(storeToForm(saved));
      setStore(saved);
      setToast(t('settings.saved'));
    } catch (error) {
      const param = error instanceof ApiError ? error.param : null;
      const field = param ? (FIELD_FOR_PARAM[param] ?? FIELD_FOR_PARAM[param.split('.').pop() ?? '']) : undefined;
      if (field) {
        setErrors({ [field]: { text: describeError(t, error) } });
        focusFirstError([field]);
      } else {
        setFormError(describeError(t, error));
      }
    } finally {
      setSaving(false);
    }
  }

  function discard() {
    if (!original) return;
    setForm(storeToForm(original));
    setErrors({});
    setFormError(null);
  }

  const errorText = (field: SettingsField): string | null => {
    const e = errors[field];
    if (!e) return null;
    return 'text' in e ? e.text : t(e.key, e.values);
  };

  const header = <PageHeader title={t('settings.title')} description={t('settings.description')} />;

  if (load.status === 'loading') {
    return (
      <>
        {header}
        <div className="card card--padded" role="status">
          <span className="spinner" aria-hidden="true" /> {t('app.loading')}
        </div>
      </>
    );
  }
  if (load.status === 'error' || !form || !original) {
    return (
      <>
        {header}
        <div className="card card--padded" role="alert">
          <p>{t('settings.loadError')}</p>
          {load.status === 'error' ? <p className="muted">{load.message}</p> : null}
          <button type="button" className="button button--secondary" onClick={() => setAttempt((n) => n + 1)}>
            {t('app.retry')}
          </button>
        </div>
      </>
    );
  }

  const language = i18n.resolvedLanguage ?? 'en';
  const currencies: string[] = CURRENCIES.includes(form.currency as (typeof CURRENCIES)[number])
    ? [...CURRENCIES]
    : [form.currency, ...CURRENCIES];
  const locales: string[] = (STORE_LOCALES as readonly string[]).includes(form.locale) ? [...STORE_LOCALES] : [form.locale, ...STORE_LOCALES];
  const feeExample = formatMinorAsMajor(30, form.currency);

  const text = (field: SettingsField, props: ControlProps, extra: Record<string, unknown> = {}) => (
    <input {...props} {...extra} name={field} value={form[field]} onChange={(e) => update(field, e.target.value)} />
  );
  const days = (field: SettingsField, props: ControlProps) =>
    text(field, props, { type: 'number', inputMode: 'numeric', min: 0, step: 1, className: 'input--short' });

  return (
    <>
      {header}
      <form ref={formRef} className="settings" onSubmit={onSubmit} noValidate aria-busy={saving}>
        {formError ? (
          <p className="notice notice--error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}

        <Section title={t('settings.sectionStore')} hint={t('settings.sectionStoreHint')}>
          <Field label={t('settings.name')} error={errorText('name')} name="name">
            {(p) => text('name', p, { autoComplete: 'organization', required: true })}
          </Field>
          <Field label={t('settings.supportEmail')} hint={t('settings.supportEmailHint')} error={errorText('support_email')} name="support_email">
            {(p) => text('support_email', p, { type: 'email', inputMode: 'email', autoComplete: 'email', spellCheck: false })}
          </Field>
          <div className="field-row">
            <Field label={t('settings.currency')} hint={t('settings.currencyHint')} error={errorText('currency')} name="currency">
              {(p) => (
                <select {...p} name="currency" value={form.currency} onChange={(e) => update('currency', e.target.value)}>
                  {currencies.map((code) => (
                    <option key={code} value={code}>
                      {currencyName(code, language)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('settings.locale')} hint={t('settings.localeHint')} error={errorText('locale')} name="locale">
              {(p) => (
                <select {...p} name="locale" value={form.locale} onChange={(e) => update('locale', e.target.value)}>
                  {locales.map((code) => (
                    <option key={code} value={code}>
                      {code === 'en' || code === 'es' ? t(`settings.locales.${code}`) : code}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </Section>

        <Section title={t('settings.sectionRefunds')} hint={t('settings.sectionRefundsHint')}>
          <div className="field-row">
            <Field label={t('settings.refundPolicy')} error={errorText('refund_policy_kind')} name="refund_policy_kind">
              {(p) => (
                <select
                  {...p}
                  name="refund_policy_kind"
                  value={form.refund_policy_kind}
                  onChange={(e) => update('refund_policy_kind', e.target.value as SettingsForm['refund_policy_kind'])}
                >
                  {form.refund_policy_kind === '' ? (
                    <option value="" disabled>
                      {t('settings.refundPolicies.unknown')}
                    </option>
                  ) : null}
                  <option value="no_refunds">{t('settings.refundPolicies.no_refunds')}</option>
                  <option value="discretionary">{t('settings.refundPolicies.discretionary')}</option>
                  <option value="within_days">{t('settings.refundPolicies.within_days')}</option>
                </select>
              )}
            </Field>
            {form.refund_policy_kind === 'within_days' ? (
              <Field label={t('settings.refundPolicyDays')} error={errorText('refund_policy_days')} name="refund_policy_days">
                {(p) => days('refund_policy_days', p)}
              </Field>
            ) : null}
          </div>
          <Field
            label={t('settings.refundWindowDays')}
            hint={t('settings.refundWindowDaysHint')}
            error={errorText('refund_window_days')}
            name="refund_window_days"
          >
            {(p) => days('refund_window_days', p)}
          </Field>
        </Section>

        <Section title={t('settings.sectionPayouts')} hint={t('settings.sectionPayoutsHint')}>
          <Field
            label={t('settings.holdPeriodDays')}
            hint={t('settings.holdPeriodDaysHint')}
            error={errorText('hold_period_days')}
            name="hold_period_days"
          >
            {(p) => days('hold_period_days', p)}
          </Field>
          <div className="field-row">
            <Field label={t('settings.feePercent')} hint={t('settings.feePercentHint')} error={errorText('fee_percent')} name="fee_percent">
              {(p) => (
                <div className="input-group">
                  {text('fee_percent', p, { inputMode: 'decimal', autoComplete: 'off' })}
                  <span className="input-group__suffix" aria-hidden="true">
                    %
                  </span>
                </div>
              )}
            </Field>
            <Field
              label={t('settings.feeFixed')}
              hint={t('settings.feeFixedHint', { currency: form.currency, example: feeExample })}
              error={errorText('fee_fixed')}
              name="fee_fixed"
            >
              {(p) => (
                <div className="input-group">
                  {text('fee_fixed', p, { inputMode: 'decimal', autoComplete: 'off' })}
                  <span className="input-group__suffix" aria-hidden="true">
                    {form.currency}
                  </span>
                </div>
              )}
            </Field>
          </div>
        </Section>

        <div className="form-actions">
          <button type="button" className="button button--ghost" onClick={discard} disabled={!dirty || saving}>
            {t('settings.discard')}
          </button>
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? t('settings.saving') : t('settings.save')}
          </button>
        </div>
      </form>

      <div className="toast-region" role="status" aria-live="polite">
        {toast ? (
          <div className="toast" data-testid="toast">
            <CheckIcon size={16} />
            <span>{toast}</span>
            <button type="button" className="toast__close" onClick={() => setToast(null)} aria-label={t('settings.dismiss')}>
              <CloseIcon size={14} />
            </button>
          </div>
        ) : null}
      </div>
    </>
  );
}

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <section className="card settings-section">
      <div className="settings-section__intro">
        <h2>{title}</h2>
        <p>{hint}</p>
      </div>
      <div className="settings-section__fields">{children}</div>
    </section>
  );
}
