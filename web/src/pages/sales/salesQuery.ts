// The Sales view's search and filters as pure data: read from and written to the page's query
// string (so a search is shareable and survives a reload), and turned into the API queries of
// GET /sales, /sales/timeseries and /sales/export.csv. The page URL uses the API's own parameter
// names, so the CSV link carries exactly the query of the list on screen.

export const SALE_STATUSES = ['complete', 'partially_refunded', 'refund_processing', 'refunded', 'disputed', 'refund_requested'] as const;
export type SaleStatusFilter = (typeof SALE_STATUSES)[number];

export const SORTS = ['-created_at', 'created_at', '-total', 'total'] as const;
export type SalesSort = (typeof SORTS)[number];
export const DEFAULT_SORT: SalesSort = '-created_at';

export const PAGE_SIZE = 50;
export const SEARCH_DEBOUNCE_MS = 250;

export interface SalesFilters {
  q: string;
  status: string; // one status, or a comma-separated list of them
  product_id: string;
  tier: string;
  country: string;
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD, that whole day included
  min_total_minor: string; // integer minor units, as text
  max_total_minor: string;
  sort: SalesSort;
}

/** The filter parameters, in the order they appear in URLs. */
const FILTER_PARAMS = ['status', 'product_id', 'tier', 'country', 'from', 'to', 'min_total_minor', 'max_total_minor'] as const;

export const EMPTY_FILTERS: SalesFilters = {
  q: '',
  status: '',
  product_id: '',
  tier: '',
  country: '',
  from: '',
  to: '',
  min_total_minor: '',
  max_total_minor: '',
  sort: DEFAULT_SORT,
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MINOR = /^\d{1,15}$/;

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Reads the filters from a query string. Values the API would refuse (a hand-edited or stale
 * link) are dropped rather than turned into an error page.
 */
export function filtersFromSearch(search: URLSearchParams): SalesFilters {
  const get = (key: string) => (search.get(key) ?? '').trim();
  const statuses = get('status')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is SaleStatusFilter => (SALE_STATUSES as readonly string[]).includes(s));
  const country = get('country').toUpperCase();
  const sort = get('sort');
  const from = get('from');
  const to = get('to');
  const min = get('min_total_minor');
  const max = get('max_total_minor');
  return {
    q: get('q').slice(0, 200),
    status: [...new Set(statuses)].join(','),
    product_id: get('product_id'),
    tier: get('tier'),
    country: /^[A-Z]{2}$/.test(country) ? country : '',
    from: validDate(from) ? from : '',
    to: validDate(to) ? to : '',
    min_total_minor: MINOR.test(min) ? String(Number(min)) : '',
    max_total_minor: MINOR.test(max) ? String(Number(max)) : '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as SalesSort) : DEFAULT_SORT,
  };
}

/** The filters as query parameters: empty ones and the default sort are left out. */
export function filtersToParams(f: SalesFilters, { sort = true }: { sort?: boolean } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (f.q.trim()) params.set('q', f.q.trim());
  for (const key of FILTER_PARAMS) if (f[key]) params.set(key, f[key]);
  if (sort && f.sort !== DEFAULT_SORT) params.set('sort', f.sort);
  return params;
}

/** The page's own query string (without "?"). */
export function filtersToSearch(f: SalesFilters): string {
  return filtersToParams(f).toString();
}

/** GET /sales: the page query plus the page size and, for the next pages, the cursor. */
export function listQuery(f: SalesFilters, cursor?: string | null): string {
  const params = filtersToParams(f);
  params.set('limit', String(PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/** GET /sales/export.csv: exactly the list's search, filters and sort (everything, no paging). */
export function exportQuery(f: SalesFilters): string {
  return filtersToParams(f).toString();
}

/** GET /sales/timeseries: the same search and filters; the order of rows does not matter. */
export function timeseriesQuery(f: SalesFilters): string {
  return filtersToParams(f, { sort: false }).toString();
}

export type FilterChip = 'status' | 'product' | 'tier' | 'country' | 'date' | 'amount';

/** The filters in use, one chip each (a date or amount range is one chip). */
export function activeChips(f: SalesFilters): FilterChip[] {
  const chips: FilterChip[] = [];
  if (f.status) chips.push('status');
  if (f.product_id) chips.push('product');
  if (f.tier) chips.push('tier');
  if (f.country) chips.push('country');
  if (f.from || f.to) chips.push('date');
  if (f.min_total_minor || f.max_total_minor) chips.push('amount');
  return chips;
}

export function removeChip(f: SalesFilters, chip: FilterChip): SalesFilters {
  switch (chip) {
    case 'status':
      return { ...f, status: '' };
    case 'product':
      return { ...f, product_id: '' };
    case 'tier':
      return { ...f, tier: '' };
    case 'country':
      return { ...f, country: '' };
    case 'date':
      return { ...f, from: '', to: '' };
    case 'amount':
      return { ...f, min_total_minor: '', max_total_minor: '' };
  }
}

/** Removes every filter chip; the search text and the sort stay. */
export function clearFilters(f: SalesFilters): SalesFilters {
  return { ...EMPTY_FILTERS, q: f.q, sort: f.sort };
}

/** Whether anything narrows the list (so "no sales" means "no match", not "no sales yet"). */
export function isFiltered(f: SalesFilters): boolean {
  return f.q.trim() !== '' || activeChips(f).length > 0;
}

/** Clicking a column header: the same column flips its direction; another starts high-to-low / newest. */
export function nextSort(current: SalesSort, column: 'created_at' | 'total'): SalesSort {
  if (current === `-${column}`) return column;
  return `-${column}` as SalesSort;
}

export function sortDirection(current: SalesSort, column: 'created_at' | 'total'): 'ascending' | 'descending' | 'none' {
  if (current === column) return 'ascending';
  if (current === `-${column}`) return 'descending';
  return 'none';
}

/** The badge style of a sale status. */
export function statusBadgeClass(status: string): string {
  switch (status) {
    case 'complete':
      return 'badge badge--published';
    case 'refunded':
    case 'disputed':
      return 'badge badge--revoked';
    case 'partially_refunded':
      return 'badge badge--unpublished';
    default:
      return 'badge badge--draft';
  }
}
