import { describe, expect, it } from 'vitest';
import {
  activeChips,
  clearFilters,
  DEFAULT_SORT,
  EMPTY_FILTERS,
  exportQuery,
  filtersFromSearch,
  filtersToSearch,
  isFiltered,
  listQuery,
  nextSort,
  removeChip,
  sortDirection,
  timeseriesQuery,
  type SalesFilters,
} from './salesQuery';

const parse = (qs: string) => filtersFromSearch(new URLSearchParams(qs));
const full: SalesFilters = {
  q: 'núñez',
  status: 'refunded',
  product_id: 'prd_1',
  tier: 'Commercial',
  country: 'DE',
  from: '2026-01-01',
  to: '2026-01-31',
  min_total_minor: '1000',
  max_total_minor: '5000',
  sort: '-total',
};

describe('sales filters in the URL', () => {
  it('round-trip through the query string', () => {
    expect(parse(filtersToSearch(full))).toEqual(full);
  });

  it('leave out empty values and the default sort', () => {
    expect(filtersToSearch(EMPTY_FILTERS)).toBe('');
    expect(filtersToSearch({ ...EMPTY_FILTERS, q: '  ana  ' })).toBe('q=ana');
    expect(filtersToSearch({ ...EMPTY_FILTERS, sort: 'total' })).toBe('sort=total');
  });

  it('drop values the API would refuse instead of failing', () => {
    const f = parse('status=complete,bogus,refunded&country=de1&from=2026-02-30&to=2026-13-01&min_total_minor=-5&max_total_minor=1.5&sort=price&cursor=x');
    expect(f).toEqual({ ...EMPTY_FILTERS, status: 'complete,refunded' });
    expect(parse('country=es&min_total_minor=0050').country).toBe('ES');
    expect(parse('min_total_minor=0050').min_total_minor).toBe('50');
    expect(parse('').sort).toBe(DEFAULT_SORT);
  });
});

describe('API queries', () => {
  it('list = the page query + limit (+ cursor)', () => {
    const list = new URLSearchParams(listQuery(full, 'abc'));
    expect(list.get('limit')).toBe('50');
    expect(list.get('cursor')).toBe('abc');
    expect(Object.fromEntries(list)).toEqual({
      q: 'núñez',
      status: 'refunded',
      product_id: 'prd_1',
      tier: 'Commercial',
      country: 'DE',
      from: '2026-01-01',
      to: '2026-01-31',
      min_total_minor: '1000',
      max_total_minor: '5000',
      sort: '-total',
      limit: '50',
      cursor: 'abc',
    });
  });

  it('CSV export carries exactly the list query, without paging', () => {
    const list = new URLSearchParams(listQuery(full));
    list.delete('limit');
    expect(exportQuery(full)).toBe(list.toString());
    expect(exportQuery(full)).toBe(filtersToSearch(full));
    expect(exportQuery(EMPTY_FILTERS)).toBe('');
  });

  it('timeseries has the same filters but no sort', () => {
    const ts = new URLSearchParams(timeseriesQuery(full));
    expect(ts.has('sort')).toBe(false);
    expect(ts.get('q')).toBe('núñez');
    expect(ts.get('from')).toBe('2026-01-01');
  });

  it('encodes search text safely', () => {
    expect(listQuery({ ...EMPTY_FILTERS, q: 'a&b=c d' })).toBe('q=a%26b%3Dc+d&limit=50');
  });
});

describe('chips and sort', () => {
  it('one chip per filter, a range is one chip', () => {
    expect(activeChips(full)).toEqual(['status', 'product', 'tier', 'country', 'date', 'amount']);
    expect(activeChips({ ...EMPTY_FILTERS, to: '2026-01-01' })).toEqual(['date']);
    expect(activeChips(EMPTY_FILTERS)).toEqual([]);
  });

  it('removing a chip clears only its values; clearing keeps search and sort', () => {
    expect(removeChip(full, 'date')).toEqual({ ...full, from: '', to: '' });
    expect(removeChip(full, 'amount')).toEqual({ ...full, min_total_minor: '', max_total_minor: '' });
    expect(removeChip(full, 'product')).toEqual({ ...full, product_id: '' });
    expect(clearFilters(full)).toEqual({ ...EMPTY_FILTERS, q: 'núñez', sort: '-total' });
    expect(isFiltered(clearFilters(full))).toBe(true);
    expect(isFiltered({ ...EMPTY_FILTERS, sort: 'total' })).toBe(false);
  });

  it('a column header flips its own direction, another starts high-to-low', () => {
    expect(nextSort('-created_at', 'created_at')).toBe('created_at');
    expect(nextSort('created_at', 'created_at')).toBe('-created_at');
    expect(nextSort('-created_at', 'total')).toBe('-total');
    expect(nextSort('-total', 'total')).toBe('total');
    expect(sortDirection('total', 'total')).toBe('ascending');
    expect(sortDirection('total', 'created_at')).toBe('none');
  });
});
