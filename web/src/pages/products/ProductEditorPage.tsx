import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  catalog,
  supportMaterials,
  type Product,
  type ProductInput,
  type SupportMaterial,
  type SupportMaterialKind,
} from '../../api';
import { describeError } from '../../errors';
import { formatMinorAsMajor } from '../../money';
import { useSession } from '../../session';
import { Field } from '../../components/Field';
import { Check } from '../../components/Check';
import { PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard, ToastRegion, useToast } from '../../components/Feedback';
import { CloseIcon } from '../../components/Icons';
import { StatusBadge } from './ProductsListPage';
import {
  emptyProductForm,
  emptyTier,
  formPathForParam,
  formToInput,
  formatBytes,
  newKey,
  productToForm,
  type FieldProblem,
  type FormPath,
  type ProductForm,
} from './productForm';

/** A client-side problem (translated at render, so it follows the language) or a server sentence. */
type ShownError = FieldProblem | { text: string };

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

const SUPPORT_KINDS: SupportMaterialKind[] = ['guide', 'video', 'faq', 'link'];
const PUBLISH_NEEDS = ['tiers', 'name', 'terms', 'price', 'title', 'files'] as const;

interface MaterialDraft {
  kind: SupportMaterialKind;
  title: string;
  body: string;
  url: string;
}

const emptyDraft = (): MaterialDraft => ({ kind: 'guide', title: '', body: '', url: '' });

/** Only the top-level fields that differ: PATCH takes any subset. */
function changedFields(next: Required<ProductInput>, before: Required<ProductInput> | null): ProductInput {
  if (!before) return next;
  const out: ProductInput = {};
  for (const key of Object.keys(next) as (keyof ProductInput)[]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) (out as Record<string, unknown>)[key] = next[key];
  }
  return out;
}

export function ProductEditorPage() {
  const { t, i18n } = useTranslation();
  const { productId } = useParams();
  const navigate = useNavigate();
  const { state } = useSession();
  const storeCurrency = state.status === 'authenticated' ? (state.store?.currency ?? 'USD') : 'USD';
  const storeSlug = state.status === 'authenticated' ? (state.store?.slug ?? null) : null;
  const language = i18n.resolvedLanguage ?? 'en';

  const [load, setLoad] = useState<Load>({ status: productId ? 'loading' : 'ready' });
  const [attempt, setAttempt] = useState(0);
  const [product, setProduct] = useState<Product | null>(null);
  const [form, setForm] = useState<ProductForm>(emptyProductForm);
  const [baseline, setBaseline] = useState<ProductForm>(form);
  const [errors, setErrors] = useState<Record<FormPath, ShownError>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'saving' | 'publishing' | 'unpublishing'>(null);
  const [others, setOthers] = useState<Product[]>([]);
  const [materials, setMaterials] = useState<SupportMaterial[]>([]);
  const [uploading, setUploading] = useState<string[]>([]);
  const [draft, setDraft] = useState<MaterialDraft>(emptyDraft);
  const [draftErrors, setDraftErrors] = useState<Partial<Record<keyof MaterialDraft, ShownError>>>({});
  const [creatingMaterial, setCreatingMaterial] = useState(false);
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const currency = product?.currency ?? storeCurrency;

  useEffect(() => {
    if (!productId) {
      setProduct(null);
      const empty = emptyProductForm();
      setForm(empty);
      setBaseline(empty);
      setLoad({ status: 'ready' });
      return;
    }
    if (product?.id === productId) return; // just created here: already loaded
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    catalog
      .get(productId, controller.signal)
      .then((loaded) => {
        adopt(loaded);
        setLoad({ status: 'ready' });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', message: describeError(t, error) });
      });
    return () => controller.abort();
    // `t` follows the language; reloading the product for that is not wanted.
  }, [productId, attempt]);

  useEffect(() => {
    // The pickers: other products (bundle contents) and the store's support materials. A failure
    // here leaves the pickers empty; the editor itself still works.
    const controller = new AbortController();
    catalog
      .listAll(controller.signal)
      .then(setOthers)
      .catch(() => {});
    supportMaterials
      .listAll(controller.signal)
      .then(setMaterials)
      .catch(() => {});
    return () => controller.abort();
  }, []);

  function adopt(saved: Product) {
    setProduct(saved);
    const next = productToForm(saved);
    setForm(next);
    setBaseline(next);
    setMaterials((list) => {
      const known = new Set(list.map((m) => m.id));
      return [...list, ...saved.support_materials.filter((m) => !known.has(m.id))];
    });
  }

  const baselineInput = useMemo(() => {
    const r = formToInput(baseline, currency);
    return r.ok ? r.input : null;
  }, [baseline, currency]);
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(baseline), [form, baseline]);

  function clearError(path: FormPath) {
    setErrors((e) => {
      if (!(path in e)) return e;
      const next = { ...e };
      delete next[path];
      return next;
    });
  }

  function update<K extends keyof ProductForm>(key: K, value: ProductForm[K]) {
    setForm((f) => ({ ...f, [key]: value }));
    clearError(key);
  }

  function updateTier(index: number, field: 'name' | 'price' | 'terms', value: string) {
    setForm((f) => ({ ...f, tiers: f.tiers.map((tier, i) => (i === index ? { ...tier, [field]: value } : tier)) }));
    clearError(`tiers.${index}.${field}`);
    clearError('tiers');
  }

  function removeTier(index: number) {
    setForm((f) => ({ ...f, tiers: f.tiers.filter((_, i) => i !== index) }));
    // Indices shift: drop every tier error rather than show one under the wrong tier.
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('tiers'))));
  }

  function updateLink(index: number, field: 'label' | 'url', value: string) {
    setForm((f) => ({ ...f, links: f.links.map((link, i) => (i === index ? { ...link, [field]: value } : link)) }));
    clearError(`links.${index}.${field}`);
  }

  function removeLink(index: number) {
    setForm((f) => ({ ...f, links: f.links.filter((_, i) => i !== index) }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('links'))));
  }

  function toggle(key: 'support_material_ids' | 'bundle_product_ids', id: string, on: boolean) {
    setForm((f) => ({ ...f, [key]: on ? [...f[key].filter((x) => x !== id), id] : f[key].filter((x) => x !== id) }));
    clearError(key);
  }

  function focusFirstError() {
    requestAnimationFrame(() => {
      const first =
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
        formRef.current?.querySelector<HTMLElement>('.field__error, .section-error');
      first?.focus();
      first?.scrollIntoView?.({ block: 'center' });
    });
  }

  /** Shows an API error next to the field its `param` names, else above the form. */
  function showApiError(error: unknown, publishing = false) {
    const path = error instanceof ApiError ? formPathForParam(error.param) : null;
    let text = describeError(t, error);
    if (publishing && error instanceof ApiError && error.code === 'product_not_publishable') {
      const last = (path ?? '').split('.').pop() ?? '';
      const need = PUBLISH_NEEDS.find((n) => n === last);
      if (need) text = t(`productEditor.publishNeeds.${need}`);
      setFormError(t('productEditor.notPublishable'));
    } else if (!path) {
      setFormError(text);
    }
    if (path) {
      setErrors((e) => ({ ...e, [path]: { text } }));
      focusFirstError();
    }
  }

  /** Validates and saves; returns the saved product, or null when it could not be saved. */
  async function save(): Promise<Product | null> {
    setFormError(null);
    const result = formToInput(form, currency);
    if (!result.ok) {
      setErrors(result.errors);
      setFormError(t('productEditor.fixErrors'));
      focusFirstError();
      return null;
    }
    setErrors({});
    if (product && !dirty) return product;
    const changes = product ? changedFields(result.input, baselineInput) : result.input;
    if (product && Object.keys(changes).length === 0) {
      setBaseline(form);
      return product;
    }
    setBusy('saving');
    try {
      const saved = product ? await catalog.update(product.id, changes) : await catalog.create(result.input);
      adopt(saved);
      setOthers((list) => (list.some((p) => p.id === saved.id) ? list.map((p) => (p.id === saved.id ? saved : p)) : [...list, saved]));
      if (!product) navigate(`/app/products/${encodeURIComponent(saved.id)}`, { replace: true });
      return saved;
    } catch (error) {
      showApiError(error);
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const wasNew = !product;
    if (product && !dirty) {
      toast.show(t('productEditor.noChanges'));
      return;
    }
    const saved = await save();
    if (saved) toast.show(wasNew ? t('productEditor.created') : t('productEditor.saved'));
  }

  async function publish(on: boolean) {
    toast.show(null);
    const saved = dirty || !product ? await save() : product;
    if (!saved) return;
    setBusy(on ? 'publishing' : 'unpublishing');
    setFormError(null);
    try {
      const next = on ? await catalog.publish(saved.id) : await catalog.unpublish(saved.id);
      adopt(next);
      toast.show(on ? t('productEditor.published') : t('productEditor.unpublishedToast'));
    } catch (error) {
      showApiError(error, true);
    } finally {
      setBusy(null);
    }
  }

  async function onFiles(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const files = Array.from(input.files ?? []);
    if (!product || files.length === 0) return;
    clearError('files');
    for (const file of files) {
      const key = newKey('upload');
      setUploading((u) => [...u, `${key}\u0000${file.name}`]);
      try {
        const uploaded = await catalog.uploadFile(product.id, file);
        setProduct((p) => (p ? { ...p, files: [...p.files.filter((f) => f.id !== uploaded.id), uploaded] } : p));
        toast.show(t('productEditor.fileUploaded'));
      } catch (error) {
        setErrors((e) => ({ ...e, files: { text: `${file.name}: ${describeError(t, error)}` } }));
      } finally {
        setUploading((u) => u.filter((x) => !x.startsWith(`${key}\u0000`)));
      }
    }
    input.value = '';
  }

  async function deleteFile(fileId: string) {
    if (!product) return;
    clearError('files');
    try {
      await catalog.deleteFile(product.id, fileId);
      setProduct((p) => (p ? { ...p, files: p.files.filter((f) => f.id !== fileId) } : p));
      toast.show(t('productEditor.fileDeleted'));
    } catch (error) {
      setErrors((e) => ({ ...e, files: { text: describeError(t, error) } }));
    }
  }

  async function createMaterial() {
    const problems: Partial<Record<keyof MaterialDraft, ShownError>> = {};
    if (!draft.title.trim()) problems.title = { key: 'validation.required' };
    const url = draft.url.trim();
    if (url && !/^https?:\/\/\S+$/i.test(url)) problems.url = { key: 'productEditor.linkUrlInvalid' };
    if ((draft.kind === 'video' || draft.kind === 'link') && !url) problems.url = { key: 'validation.required' };
    setDraftErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setCreatingMaterial(true);
    try {
      const created = await supportMaterials.create({ kind: draft.kind, title: draft.title.trim(), body: draft.body.trim(), url });
      setMaterials((list) => [...list, created]);
      toggle('support_material_ids', created.id, true);
      setDraft(emptyDraft());
      toast.show(t('productEditor.supportCreated'));
    } catch (error) {
      const field = error instanceof ApiError ? error.field : null;
      const text = describeError(t, error);
      if (field === 'title' || field === 'body' || field === 'url' || field === 'kind') setDraftErrors({ [field]: { text } });
      else setDraftErrors({ title: { text } });
    } finally {
      setCreatingMaterial(false);
    }
  }

  const errorText = (path: FormPath): string | null => {
    const e = errors[path];
    if (!e) return null;
    return 'text' in e ? e.text : t(e.key, e.values);
  };
  const draftError = (field: keyof MaterialDraft): string | null => {
    const e = draftErrors[field];
    if (!e) return null;
    return 'text' in e ? e.text : t(e.key, e.values);
  };

  const back = (
    <Link to="/app/products" className="back-link">
      ← {t('productEditor.back')}
    </Link>
  );

  if (load.status === 'loading') {
    return (
      <>
        {back}
        <PageHeader title={t('productEditor.editTitle')} />
        <LoadingCard />
      </>
    );
  }
  if (load.status === 'error') {
    return (
      <>
        {back}
        <PageHeader title={t('productEditor.editTitle')} />
        <ErrorCard title={t('productEditor.loadError')} message={load.message} onRetry={() => setAttempt((n) => n + 1)} />
      </>
    );
  }

  const status = product?.status ?? 'draft';
  const bundleChoices = others.filter((p) => p.id !== product?.id);
  const priceExample = formatMinorAsMajor(1500, currency);

  return (
    <>
      {back}
      <PageHeader
        title={product ? t('productEditor.editTitle') : t('productEditor.newTitle')}
        description={t('productEditor.description')}
        actions={
          product ? (
            <div className="publish-bar">
              <StatusBadge status={status} />
              {status === 'published' && storeSlug ? (
                <Link className="button button--ghost" to={`/s/${encodeURIComponent(storeSlug)}/p/${encodeURIComponent(product.id)}`}>
                  {t('productEditor.viewInStore')}
                </Link>
              ) : null}
              {status === 'published' ? (
                <button type="button" className="button button--secondary" onClick={() => publish(false)} disabled={busy !== null}>
                  {busy === 'unpublishing' ? t('productEditor.unpublishing') : t('productEditor.unpublish')}
                </button>
              ) : (
                <button type="button" className="button button--primary" onClick={() => publish(true)} disabled={busy !== null}>
                  {busy === 'publishing' ? t('productEditor.publishing') : t('productEditor.publish')}
                </button>
              )}
            </div>
          ) : null
        }
      />

      <form ref={formRef} className="editor" onSubmit={onSubmit} noValidate aria-busy={busy !== null}>
        {formError ? (
          <p className="notice notice--error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}

        <EditorSection title={t('productEditor.sectionDetails')} hint={t('productEditor.sectionDetailsHint')}>
          <Field label={t('productEditor.title')} error={errorText('title')} name="title">
            {(p) => <input {...p} name="title" value={form.title} onChange={(e) => update('title', e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={t('productEditor.descriptionLabel')} hint={t('productEditor.descriptionHint')} error={errorText('description')} name="description">
            {(p) => (
              <textarea {...p} name="description" rows={4} value={form.description} onChange={(e) => update('description', e.target.value)} />
            )}
          </Field>
        </EditorSection>

        <EditorSection title={t('productEditor.sectionTiers')} hint={t('productEditor.sectionTiersHint')} error={errorText('tiers')}>
          <div className="tiers-grid">
            {form.tiers.map((tier, i) => (
              <fieldset key={tier.key} className="tier-card" data-testid="tier">
                <legend className="tier-card__legend">{t('productEditor.tierHeading', { number: i + 1 })}</legend>
                {errorText(`tiers.${i}`) ? (
                  <p className="field__error section-error" role="alert" tabIndex={-1}>
                    {errorText(`tiers.${i}`)}
                  </p>
                ) : null}
                {form.tiers.length > 1 ? (
                  <button
                    type="button"
                    className="icon-button tier-card__remove"
                    onClick={() => removeTier(i)}
                    aria-label={t('productEditor.removeTier', { number: i + 1 })}
                    title={t('productEditor.removeTier', { number: i + 1 })}
                  >
                    <CloseIcon size={16} />
                  </button>
                ) : null}
                <Field label={t('productEditor.tierName')} error={errorText(`tiers.${i}.name`)} name={`tiers.${i}.name`}>
                  {(p) => (
                    <input
                      {...p}
                      value={tier.name}
                      placeholder={t('productEditor.tierNamePlaceholder')}
                      onChange={(e) => updateTier(i, 'name', e.target.value)}
                      autoComplete="off"
                    />
                  )}
                </Field>
                <Field
                  label={t('productEditor.tierPrice')}
                  hint={t('productEditor.tierPriceHint', { currency, example: priceExample })}
                  error={errorText(`tiers.${i}.price`)}
                  name={`tiers.${i}.price`}
                >
                  {(p) => (
                    <div className="input-group">
                      <input {...p} value={tier.price} inputMode="decimal" autoComplete="off" onChange={(e) => updateTier(i, 'price', e.target.value)} />
                      <span className="input-group__suffix" aria-hidden="true">
                        {currency}
                      </span>
                    </div>
                  )}
                </Field>
                <Field label={t('productEditor.tierTerms')} error={errorText(`tiers.${i}.terms`)} name={`tiers.${i}.terms`}>
                  {(p) => (
                    <textarea
                      {...p}
                      rows={4}
                      value={tier.terms}
                      placeholder={t('productEditor.tierTermsPlaceholder')}
                      onChange={(e) => updateTier(i, 'terms', e.target.value)}
                    />
                  )}
                </Field>
              </fieldset>
            ))}
            <button
              type="button"
              className="tier-add"
              onClick={() => {
                setForm((f) => ({ ...f, tiers: [...f.tiers, emptyTier()] }));
                clearError('tiers');
              }}
            >
              + {t('productEditor.addTier')}
            </button>
          </div>
          <Check
            name="license_keys"
            checked={form.license_keys}
            onChange={(e) => update('license_keys', e.target.checked)}
            label={t('productEditor.licenseKeys')}
            hint={t('productEditor.licenseKeysHint')}
            error={errorText('license_keys')}
          />
        </EditorSection>

        <EditorSection title={t('productEditor.sectionFiles')} hint={t('productEditor.sectionFilesHint')} error={errorText('files')}>
          {product ? (
            <>
              {product.files.length === 0 && uploading.length === 0 ? <p className="muted">{t('productEditor.noFiles')}</p> : null}
              <ul className="file-list" data-testid="file-list">
                {product.files.map((file) => (
                  <li key={file.id} className="file-list__item">
                    <span className="file-list__name">{file.filename}</span>
                    <span className="muted">{formatBytes(file.size_bytes, language)}</span>
                    <button
                      type="button"
                      className="icon-button"
                      onClick={() => deleteFile(file.id)}
                      aria-label={t('productEditor.deleteFile', { name: file.filename })}
                      title={t('productEditor.deleteFile', { name: file.filename })}
                    >
                      <CloseIcon size={16} />
                    </button>
                  </li>
                ))}
                {uploading.map((entry) => (
                  <li key={entry} className="file-list__item file-list__item--uploading" role="status">
                    <span className="spinner" aria-hidden="true" />
                    <span className="file-list__name">{t('productEditor.uploading', { name: entry.split('\u0000')[1] })}</span>
                    <span className="progress" aria-hidden="true">
                      <span className="progress__bar" />
                    </span>
                  </li>
                ))}
              </ul>
              <label className="button button--secondary file-picker">
                <input type="file" multiple className="visually-hidden" data-testid="file-input" onChange={onFiles} />
                {t('productEditor.upload')}
              </label>
            </>
          ) : (
            <p className="notice notice--info">{t('productEditor.filesSaveFirst')}</p>
          )}
        </EditorSection>

        <EditorSection title={t('productEditor.sectionLinks')} hint={t('productEditor.sectionLinksHint')} error={errorText('links')}>
          {form.links.length === 0 ? <p className="muted">{t('productEditor.noLinks')}</p> : null}
          {form.links.map((link, i) => (
            <div key={link.key} className="link-row">
              <Field label={t('productEditor.linkLabel')} error={errorText(`links.${i}.label`)} name={`links.${i}.label`}>
                {(p) => <input {...p} value={link.label} onChange={(e) => updateLink(i, 'label', e.target.value)} autoComplete="off" />}
              </Field>
              <Field label={t('productEditor.linkUrl')} error={errorText(`links.${i}.url`)} name={`links.${i}.url`}>
                {(p) => (
                  <input
                    {...p}
                    type="url"
                    inputMode="url"
                    placeholder="https://"
                    value={link.url}
                    onChange={(e) => updateLink(i, 'url', e.target.value)}
                    autoComplete="off"
                    spellCheck={false}
                  />
                )}
              </Field>
              <button
                type="button"
                className="icon-button link-row__remove"
                onClick={() => removeLink(i)}
                aria-label={t('productEditor.removeLink', { number: i + 1 })}
                title={t('productEditor.removeLink', { number: i + 1 })}
              >
                <CloseIcon size={16} />
              </button>
            </div>
          ))}
          <div>
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => setForm((f) => ({ ...f, links: [...f.links, { key: newKey('link'), label: '', url: '' }] }))}
            >
              + {t('productEditor.addLink')}
            </button>
          </div>
        </EditorSection>

        <EditorSection
          title={t('productEditor.sectionSupport')}
          hint={t('productEditor.sectionSupportHint')}
          error={errorText('support_material_ids')}
        >
          {materials.length === 0 ? (
            <p className="muted">{t('productEditor.noSupport')}</p>
          ) : (
            <ul className="check-list">
              {materials.map((m) => (
                <li key={m.id}>
                  <Check
                    checked={form.support_material_ids.includes(m.id)}
                    onChange={(e) => toggle('support_material_ids', m.id, e.target.checked)}
                    label={m.title}
                    hint={t(`productEditor.supportKinds.${m.kind}`)}
                  />
                </li>
              ))}
            </ul>
          )}
          <details className="inline-create">
            <summary>{t('productEditor.newSupport')}</summary>
            <div className="inline-create__body">
              <div className="field-row">
                <Field label={t('productEditor.supportKind')} error={draftError('kind')} name="support_kind">
                  {(p) => (
                    <select {...p} value={draft.kind} onChange={(e) => setDraft((d) => ({ ...d, kind: e.target.value as SupportMaterialKind }))}>
                      {SUPPORT_KINDS.map((k) => (
                        <option key={k} value={k}>
                          {t(`productEditor.supportKinds.${k}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('productEditor.supportTitle')} error={draftError('title')} name="support_title">
                  {(p) => <input {...p} value={draft.title} onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))} autoComplete="off" />}
                </Field>
              </div>
              <Field label={t('productEditor.supportBody')} error={draftError('body')} name="support_body">
                {(p) => <textarea {...p} rows={3} value={draft.body} onChange={(e) => setDraft((d) => ({ ...d, body: e.target.value }))} />}
              </Field>
              <Field label={t('productEditor.supportUrl')} error={draftError('url')} name="support_url">
                {(p) => (
                  <input
                    {...p}
                    type="url"
                    inputMode="url"
                    placeholder="https://"
                    value={draft.url}
                    onChange={(e) => setDraft((d) => ({ ...d, url: e.target.value }))}
                    spellCheck={false}
                  />
                )}
              </Field>
              <div>
                <button type="button" className="button button--secondary" onClick={createMaterial} disabled={creatingMaterial}>
                  {creatingMaterial ? t('productEditor.creatingSupport') : t('productEditor.createSupport')}
                </button>
              </div>
            </div>
          </details>
        </EditorSection>

        <EditorSection title={t('productEditor.sectionBundle')} hint={t('productEditor.sectionBundleHint')} error={errorText('bundle_product_ids')}>
          {bundleChoices.length === 0 ? (
            <p className="muted">{t('productEditor.noOtherProducts')}</p>
          ) : (
            <ul className="check-list">
              {bundleChoices.map((p) => (
                <li key={p.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={form.bundle_product_ids.includes(p.id)}
                      onChange={(e) => toggle('bundle_product_ids', p.id, e.target.checked)}
                    />
                    <span className="check__label">{p.title}</span>
                    <StatusBadge status={p.status} />
                  </label>
                </li>
              ))}
            </ul>
          )}
        </EditorSection>

        <div className="form-actions form-actions--sticky">
          <button type="submit" className="button button--primary" disabled={busy !== null}>
            {busy === 'saving' ? t('productEditor.saving') : product ? t('productEditor.save') : t('productEditor.create')}
          </button>
        </div>
      </form>

      <ToastRegion message={toast.message} onClose={() => toast.show(null)} closeLabel={t('productEditor.dismiss')} top />
    </>
  );
}

function EditorSection({ title, hint, error, children }: { title: string; hint: string; error?: string | null; children: ReactNode }) {
  return (
    <section className="card editor-section">
      <div className="editor-section__intro">
        <h2>{title}</h2>
        <p>{hint}</p>
      </div>
      {error ? (
        <p className="field__error section-error" role="alert" tabIndex={-1}>
          {error}
        </p>
      ) : null}
      <div className="editor-section__body">{children}</div>
    </section>
  );
}
