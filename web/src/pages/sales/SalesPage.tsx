// The seller's home: every sale, searchable as you type, filtered with removable chips, sorted
// by date or total, with a chart above and the order details in a side panel. All of the search
// lives in the URL's query string (see salesQuery.ts), so a search can be shared and reloaded.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useMatch, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { catalog, refunds as refundsApi, sales as salesApi, type Product, type SaleRow, type SalesPage as SalesAnswer, type SalesTimeseries } from '../../api';
import { describeError } from '../../errors';
import { formatMinorAsMajor, formatMoney, parseMajorToMinor } from '../../money';
import { countryName, countryOptions } from '../../checkout';
import { useSession } from '../../session';
import { EmptyState, PageHeader } from '../../components/Page';
import { ErrorCard } from '../../components/Feedback';
import { CloseIcon, SalesIcon } from '../../components/Icons';
import { ChartSkeleton, SalesChart } from './SalesChart';
import { OrderPanel } from './OrderPanel';
import {
  activeChips,
  clearFilters,
  EMPTY_FILTERS,
  exportQuery,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
  listQuery,
  nextSort,
  removeChip,
  SALE_STATUSES,
  SEARCH_DEBOUNCE_MS,
  sortDirection,
  statusBadgeClass,
  timeseriesQuery,
  type FilterChip,
  type SalesFilters,
} from './salesQuery';

type ListState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; rows: SaleRow[]; cursor: string | null; summary: SalesAnswer['summary'] };

type ChartState = { status: 'loading' } | { status: 'error' } | { status: 'ready'; series: SalesTimeseries };

export function SalesPage() {
  const { t, i18n } = useTranslation();
  const { state: session } = useSession();
  const language = i18n.resolvedLanguage ?? 'en';
  const store = session.status === 'authenticated' ? session.store : null;
  const storeLocale = store?.locale ?? language;
  const storeCurrency = store?.currency ?? 'USD';
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(searchParams), [searchParams]);
  const pageQuery = filtersToSearch(filters);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const historyMatch = useMatch('/app/sales/orders/:orderId/history');
  const orderMatch = useMatch('/app/sales/orders/:orderId');
  const openOrderId = historyMatch?.params.orderId ?? orderMatch?.params.orderId ?? null;

  const setFilters = useCallback(
    (next: SalesFilters, { replace = false }: { replace?: boolean } = {}) => {
      setSearchParams(filtersToSearch(next), { replace });
    },
    [setSearchParams],
  );

  // ---- the list: reloaded whenever the query changes; the previous request is aborted ----
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [moreState, setMoreState] = useState<'idle' | 'loading' | 'error'>('idle');
  const moreController = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    moreController.current?.abort();
    setMoreState('idle');
    setRefreshing(true);
    // Rows already shown stay (dimmed) until the new answer comes; an error gives way to the skeleton.
    setList((prev) => (prev.status === 'ready' ? prev : { status: 'loading' }));
    salesApi
      .list(listQuery(filtersRef.current), controller.signal)
      .then((answer) => {
        setList({ status: 'ready', rows: answer.data, cursor: answer.has_more ? answer.next_cursor : null, summary: answer.summary });
        setRefreshing(false);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setList({ status: 'error', message: describeError(t, error) });
        setRefreshing(false);
      });
    return () => controller.abort();
    // `pageQuery` stands for the filters; `t` only follows the language.
  }, [pageQuery, attempt]);

  // ---- open refund requests (R-REF-9): their rows carry a badge with the reply deadline ----
  const [requests, setRequests] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const controller = new AbortController();
    refundsApi
      .openRequests(controller.signal)
      .then((page) => setRequests(new Map(page.data.map((r) => [r.order_id, r.reply_by]))))
      .catch(() => {
        // The badge is a help, not the list: without it the list still works.
      });
    return () => controller.abort();
  }, [attempt]);

  async function loadMore() {
    if (list.status !== 'ready' || !list.cursor) return;
    const controller = new AbortController();
    moreController.current = controller;
    setMoreState('loading');
    try {
      const answer = await salesApi.list(listQuery(filters, list.cursor), controller.signal);
      setList({
        status: 'ready',
        rows: [...list.rows, ...answer.data],
        cursor: answer.has_more ? answer.next_cursor : null,
        summary: answer.summary,
      });
      setMoreState('idle');
    } catch {
      if (!controller.signal.aborted) setMoreState('error');
    }
  }

  // ---- the chart: same filters, sort does not matter ----
  const chartQuery = timeseriesQuery(filters);
  const [chart, setChart] = useState<ChartState>({ status: 'loading' });
  const [chartAttempt, setChartAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    salesApi
      .timeseries(chartQuery, controller.signal)
      .then((series) => setChart({ status: 'ready', series }))
      .catch(() => {
        if (!controller.signal.aborted) setChart({ status: 'error' });
      });
    return () => controller.abort();
  }, [chartQuery, chartAttempt]);

  // ---- products, for the product and tier filters and their chips ----
  const [products, setProducts] = useState<Product[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    catalog
      .listAll(controller.signal)
      .then(setProducts)
      .catch(() => setProducts([])); // the filters still work with what the URL says
    return () => controller.abort();
  }, []);

  // ---- focus goes back to the customer link that opened the panel ----
  const lastOpened = useRef<string | null>(null);
  useEffect(() => {
    if (openOrderId) {
      lastOpened.current = openOrderId;
      return;
    }
    const id = lastOpened.current;
    lastOpened.current = null;
    if (!id) return;
    const links = document.querySelectorAll<HTMLElement>('[data-order-link]');
    for (const link of links) {
      if (link.dataset.orderLink === id) {
        link.focus();
        return;
      }
    }
  }, [openOrderId]);

  const closePanel = useCallback(() => {
    navigate({ pathname: '/app/sales', search: location.search });
  }, [navigate, location.search]);

  const money = (minor: number, currency = storeCurrency) => formatMoney(minor, currency, storeLocale);
  const filtered = isFiltered(filters);
  const csvHref = salesApi.exportUrl(exportQuery(filters));

  const noSalesAtAll = list.status === 'ready' && list.rows.length === 0 && !filtered;
  const header = (
    <PageHeader
      title={t('sales.title')}
      description={t('sales.description')}
      // Nothing to download in a store without sales.
      actions={
        noSalesAtAll ? undefined : (
          <a className="button button--secondary" href={csvHref} download title={t('sales.downloadCsvTitle')} data-testid="download-csv">
            <DownloadIcon />
            {t('sales.downloadCsv')}
          </a>
        )
      }
    />
  );

  return (
    <div className="sales">
      {header}
      {noSalesAtAll ? (
        <EmptyState icon={<SalesIcon size={28} />} title={t('sales.emptyTitle')} body={t('sales.emptyBody', { store: store?.name ?? '' })} />
      ) : (
        <>
          {chart.status === 'ready' ? (
            <SalesChart series={chart.series} locale={storeLocale} />
          ) : chart.status === 'loading' ? (
            <ChartSkeleton />
          ) : (
            <div className="card card--padded sales-chart--error" role="alert">
              <p className="muted">{t('sales.chart.loadError')}</p>
              <button type="button" className="button button--secondary button--small" onClick={() => setChartAttempt((n) => n + 1)}>
                {t('app.retry')}
              </button>
            </div>
          )}

          <section className="card sales-list" aria-labelledby="sales-list-title" aria-busy={refreshing}>
            <h2 id="sales-list-title" className="visually-hidden">
              {t('sales.listLabel')}
            </h2>
            <div className="sales-toolbar">
              <SearchBox filters={filters} onSearch={(q) => setFilters({ ...filtersRef.current, q }, { replace: true })} />
              <FilterPanel filters={filters} products={products} currency={storeCurrency} onChange={(f) => setFilters(f)} />
            </div>
            <ChipRow
              filters={filters}
              products={products}
              money={money}
              language={language}
              onRemove={(chip) => setFilters(removeChip(filters, chip))}
              onClear={() => setFilters(clearFilters(filters))}
            />

            {list.status === 'ready' ? (
              <p className="sales-summary" data-testid="sales-summary" aria-live="polite">
                {list.summary.exact === false ? (
                  <>
                    <strong>{t('sales.summaryPartial', { count: list.summary.count, total: money(list.summary.total_minor, list.summary.currency) })}</strong>
                    <span className="muted"> · {t('sales.showingPartial', { shown: list.rows.length, count: list.summary.count })}</span>
                    <span className="muted sales-summary__hint" data-testid="sales-summary-partial">{t('sales.summaryPartialHint')}</span>
                  </>
                ) : (
                  <>
                    <strong>{t('sales.summary', { count: list.summary.count, total: money(list.summary.total_minor, list.summary.currency) })}</strong>
                    {list.rows.length < list.summary.count ? (
                      <span className="muted"> · {t('sales.showing', { shown: list.rows.length, count: list.summary.count })}</span>
                    ) : null}
                  </>
                )}
              </p>
            ) : null}

            {list.status === 'loading' ? (
              <SalesSkeleton label={t('sales.loading')} />
            ) : list.status === 'error' ? (
              <div className="sales-list__state">
                <ErrorCard title={t('sales.loadError')} message={list.message} onRetry={() => setAttempt((n) => n + 1)} />
              </div>
            ) : list.rows.length === 0 ? (
              <div className="sales-list__state">
                <EmptyState
                  title={t('sales.noMatchTitle')}
                  body={t('sales.noMatchBody')}
                  action={
                    <button type="button" className="button button--secondary" onClick={() => setFilters({ ...EMPTY_FILTERS, sort: filters.sort })}>
                      {t('sales.clearAll')}
                    </button>
                  }
                />
              </div>
            ) : (
              <SalesTable
                rows={list.rows}
                requests={requests}
                filters={filters}
                search={location.search}
                money={money}
                language={language}
                onSort={(column) => setFilters({ ...filters, sort: nextSort(filters.sort, column) })}
              />
            )}

            {list.status === 'ready' && list.cursor ? (
              <div className="table-card__more">
                {moreState === 'error' ? <p className="muted" role="alert">{t('sales.loadMoreError')}</p> : null}
                <button type="button" className="button button--secondary" onClick={loadMore} disabled={moreState === 'loading'}>
                  {moreState === 'loading' ? t('app.loading') : t('sales.loadMore')}
                </button>
              </div>
            ) : null}
          </section>
        </>
      )}

      {openOrderId ? (
        <OrderPanel orderId={openOrderId} showHistory={historyMatch !== null} search={location.search} locale={storeLocale} onClose={closePanel} onChanged={() => setAttempt((n) => n + 1)} />
      ) : null}
    </div>
  );
}

// ---------- search ----------

/** Searches as you type: the URL (and so the list) follows the box 250 ms after the last key. */
function SearchBox({ filters, onSearch }: { filters: SalesFilters; onSearch: (q: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(filters.q);
  const sent = useRef(filters.q);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;

  // The URL changed by other means (back button, "Clear search and filters"): show its search.
  useEffect(() => {
    if (filters.q !== sent.current) {
      sent.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);

  useEffect(() => {
    const q = text.trim();
    if (q === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = q;
      onSearchRef.current(q);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <div className="sales-search">
      <label htmlFor="sales-search" className="visually-hidden">
        {t('sales.searchLabel')}
      </label>
      <SearchIcon />
      <input
        id="sales-search"
        type="search"
        className="sales-search__input"
        placeholder={t('sales.searchPlaceholder')}
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            // Enter searches at once.
            const q = text.trim();
            if (q !== sent.current) {
              sent.current = q;
              onSearchRef.current(q);
            }
          }
        }}
      />
    </div>
  );
}

// ---------- filters ----------

function FilterPanel({
  filters,
  products,
  currency,
  onChange,
}: {
  filters: SalesFilters;
  products: Product[];
  currency: string;
  onChange: (f: SalesFilters) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [open, setOpen] = useState(false);
  const count = activeChips(filters).length;
  const countries = useMemo(() => countryOptions(language), [language]);
  const tiers = useMemo(() => {
    const chosen = products.filter((p) => !filters.product_id || p.id === filters.product_id);
    return [...new Set(chosen.flatMap((p) => p.tiers.map((tier) => tier.name)))].sort((a, b) => a.localeCompare(b, language));
  }, [products, filters.product_id, language]);

  return (
    <>
      <button
        type="button"
        className="button button--secondary sales-filters__toggle"
        aria-expanded={open}
        aria-controls="sales-filters"
        onClick={() => setOpen((o) => !o)}
      >
        <FilterIcon />
        {t('sales.filters')}
        {count > 0 ? <span className="sales-filters__count">{count}</span> : null}
      </button>
      {open ? (
        <div id="sales-filters" className="sales-filters" role="group" aria-label={t('sales.filters')}>
          <label className="field">
            <span className="field__label">{t('sales.filterStatus')}</span>
            <select value={filters.status.includes(',') ? '' : filters.status} onChange={(e) => onChange({ ...filters, status: e.target.value })}>
              <option value="">{t('sales.anyStatus')}</option>
              {SALE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`sales.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('sales.filterProduct')}</span>
            <select value={filters.product_id} onChange={(e) => onChange({ ...filters, product_id: e.target.value, tier: '' })}>
              <option value="">{t('sales.anyProduct')}</option>
              {filters.product_id && !products.some((p) => p.id === filters.product_id) ? (
                <option value={filters.product_id}>{filters.product_id}</option>
              ) : null}
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('sales.filterTier')}</span>
            <select value={filters.tier} onChange={(e) => onChange({ ...filters, tier: e.target.value })}>
              <option value="">{t('sales.anyTier')}</option>
              {filters.tier && !tiers.includes(filters.tier) ? <option value={filters.tier}>{filters.tier}</option> : null}
              {tiers.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('sales.filterCountry')}</span>
            <select value={filters.country} onChange={(e) => onChange({ ...filters, country: e.target.value })}>
              <option value="">{t('sales.anyCountry')}</option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">{t('sales.filterFrom')}</span>
            <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => onChange({ ...filters, from: e.target.value })} />
          </label>
          <label className="field">
            <span className="field__label">{t('sales.filterTo')}</span>
            <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => onChange({ ...filters, to: e.target.value })} />
          </label>
          <AmountFilter
            label={t('sales.filterMin')}
            minor={filters.min_total_minor}
            currency={currency}
            onChange={(v) => onChange({ ...filters, min_total_minor: v })}
          />
          <AmountFilter
            label={t('sales.filterMax')}
            minor={filters.max_total_minor}
            currency={currency}
            onChange={(v) => onChange({ ...filters, max_total_minor: v })}
          />
        </div>
      ) : null}
    </>
  );
}

/** An amount typed in the store currency ("10.50"), applied on Enter or when leaving the box. */
function AmountFilter({ label, minor, currency, onChange }: { label: string; minor: string; currency: string; onChange: (minor: string) => void }) {
  const { t } = useTranslation();
  const shown = minor ? formatMinorAsMajor(Number(minor), currency) : '';
  const [text, setText] = useState(shown);
  const [error, setError] = useState(false);
  useEffect(() => setText(shown), [shown]);
  const id = `amount-${label.replace(/\W+/g, '-').toLowerCase()}`;

  function apply(event?: FormEvent) {
    event?.preventDefault();
    if (text.trim() === '') {
      setError(false);
      if (minor) onChange('');
      return;
    }
    const parsed = parseMajorToMinor(text, currency);
    if (!parsed.ok) {
      setError(true);
      return;
    }
    setError(false);
    if (String(parsed.value) !== minor) onChange(String(parsed.value));
  }

  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="input-group">
        <input
          id={id}
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={error || undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => apply()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply(e);
          }}
        />
        <span className="input-group__suffix" aria-hidden="true">
          {currency}
        </span>
      </div>
      {error ? (
        <span id={`${id}-error`} className="field__error">
          {t('sales.amountInvalid')}
        </span>
      ) : null}
    </div>
  );
}

function formatDay(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
}

function ChipRow({
  filters,
  products,
  money,
  language,
  onRemove,
  onClear,
}: {
  filters: SalesFilters;
  products: Product[];
  money: (minor: number) => string;
  language: string;
  onRemove: (chip: FilterChip) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const chips = activeChips(filters);
  if (chips.length === 0) return null;

  function text(chip: FilterChip): string {
    switch (chip) {
      case 'status':
        return filters.status
          .split(',')
          .map((s) => t(`sales.status.${s}`))
          .join(', ');
      case 'product':
        return products.find((p) => p.id === filters.product_id)?.title ?? filters.product_id;
      case 'tier':
        return filters.tier;
      case 'country':
        return countryName(filters.country, language);
      case 'date':
        if (filters.from && filters.to) return `${formatDay(filters.from, language)} – ${formatDay(filters.to, language)}`;
        return filters.from ? t('sales.dateFrom', { from: formatDay(filters.from, language) }) : t('sales.dateTo', { to: formatDay(filters.to, language) });
      case 'amount': {
        const min = filters.min_total_minor ? money(Number(filters.min_total_minor)) : '';
        const max = filters.max_total_minor ? money(Number(filters.max_total_minor)) : '';
        if (min && max) return `${min} – ${max}`;
        return min ? t('sales.amountMin', { min }) : t('sales.amountMax', { max });
      }
    }
  }
  const name: Record<FilterChip, string> = {
    status: t('sales.filterStatus'),
    product: t('sales.filterProduct'),
    tier: t('sales.filterTier'),
    country: t('sales.filterCountry'),
    date: t('sales.colDate'),
    amount: t('sales.colTotal'),
  };

  return (
    <ul className="chips" aria-label={t('sales.activeFilters')}>
      {chips.map((chip) => {
        const label = `${name[chip]}: ${text(chip)}`;
        return (
          <li key={chip} className="chip" data-testid={`chip-${chip}`}>
            <span>{label}</span>
            <button type="button" className="chip__remove" aria-label={t('sales.removeFilter', { label })} onClick={() => onRemove(chip)}>
              <CloseIcon size={12} />
            </button>
          </li>
        );
      })}
      <li>
        <button type="button" className="button button--ghost button--small" onClick={onClear}>
          {t('sales.clearFilters')}
        </button>
      </li>
    </ul>
  );
}

// ---------- table ----------

function SalesTable({
  rows,
  requests,
  filters,
  search,
  money,
  language,
  onSort,
}: {
  rows: SaleRow[];
  /** order id → reply deadline of its open refund request */
  requests: Map<string, string>;
  filters: SalesFilters;
  search: string;
  money: (minor: number, currency?: string) => string;
  language: string;
  onSort: (column: 'created_at' | 'total') => void;
}) {
  const { t } = useTranslation();
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(language, { timeStyle: 'short' });
  const sortHeader = (column: 'created_at' | 'total', label: string, className?: string) => {
    const dir = sortDirection(filters.sort, column);
    return (
      <th scope="col" className={className} aria-sort={dir}>
        <button type="button" className="sort-button" onClick={() => onSort(column)}>
          {label}
          <span className={`sort-button__arrow sort-button__arrow--${dir}`} aria-hidden="true">
            {dir === 'ascending' ? '↑' : dir === 'descending' ? '↓' : '↕'}
          </span>
        </button>
      </th>
    );
  };
  return (
    <div className="sales-table-wrap">
    <table className="table sales-table" data-testid="sales-table">
      <thead>
        <tr>
          {sortHeader('created_at', t('sales.colDate'))}
          <th scope="col">{t('sales.colProduct')}</th>
          <th scope="col">{t('sales.colCustomer')}</th>
          <th scope="col">{t('sales.colStatus')}</th>
          {sortHeader('total', t('sales.colTotal'), 'table__num')}
          <th scope="col">{t('sales.colOrder')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.line_id} data-testid="sale-row">
            <td className="sales-table__date nowrap">
              {dateFormat.format(new Date(row.created_at))}
              <span className="sales-table__time">{timeFormat.format(new Date(row.created_at))}</span>
            </td>
            <td className="sales-table__product">
              <span className="table__title">{row.product.title}</span>
              <span className="table__sub">
                {row.tier}
                {row.quantity > 1 ? ` ${t('sales.quantity', { count: row.quantity })}` : ''}
              </span>
            </td>
            <td className="sales-table__customer">
              <Link
                className="table__title sales-table__name"
                to={{ pathname: `/app/sales/orders/${encodeURIComponent(row.order_id)}`, search }}
                data-order-link={row.order_id}
                title={t('sales.order.label')}
              >
                {row.customer.name || row.customer.email}
              </Link>
              <span className="table__sub sales-table__email">{row.customer.email}</span>
            </td>
            <td className="sales-table__status">
              <span className={statusBadgeClass(row.status)}>{t(`sales.status.${row.status}`, { defaultValue: row.status })}</span>
              {(() => {
                // The row carries its order's open request (the Sales read model); the list of
                // open requests is a fallback for an older server.
                const replyBy = row.refund_request?.reply_by ?? requests.get(row.order_id);
                return replyBy ? (
                  <span className="sales-table__request" data-testid="row-request">
                    <span className="badge badge--requested">{t('refunds.request.badge')}</span>{' '}
                    {t('refunds.request.rowDeadline', { date: `${dateFormat.format(new Date(replyBy))} ${timeFormat.format(new Date(replyBy))}` })}
                  </span>
                ) : null;
              })()}
            </td>
            <td className="sales-table__total table__num nowrap">{money(row.total_minor, row.currency)}</td>
            <td className="sales-table__order mono nowrap">{row.order_id}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

function SalesSkeleton({ label }: { label: string }) {
  return (
    <div className="sales-skeleton" role="status" aria-label={label} data-testid="sales-loading">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="sales-skeleton__row" aria-hidden="true">
          <span className="skeleton" />
          <span className="skeleton" />
          <span className="skeleton" />
          <span className="skeleton skeleton--short" />
        </div>
      ))}
    </div>
  );
}

// ---------- icons (decorative) ----------

function SearchIcon() {
  return (
    <svg className="sales-search__icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <circle cx="11" cy="11" r="6.5" />
      <path d="m20 20-4.2-4.2" />
    </svg>
  );
}

function FilterIcon() {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      <path d="M4 6h16M7 12h10M10 18h4" />
    </svg>
  );
}

function DownloadIcon() {
  return (
    <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d="M12 4v11m0 0-4-4m4 4 4-4M5 19h14" />
    </svg>
  );
}
