// Sales over time, drawn as plain SVG bars. A charting library was not worth its weight here:
// one bar series with two axis labels is a few dozen lines, prints crisply, and works in jsdom.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SalesTimeseries } from '../../api';
import { formatMoney } from '../../money';

const CHART_HEIGHT = 160;

export function periodLabel(
  t: (key: string, values?: Record<string, unknown>) => string,
  interval: SalesTimeseries['interval'],
  iso: string,
  language: string,
): string {
  const date = new Date(iso);
  if (interval === 'month') {
    return new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
  }
  const day = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
  return interval === 'week' ? t('sales.chart.weekOf', { date: day }) : day;
}

export function SalesChart({ series, locale }: { series: SalesTimeseries; locale: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const titleId = useId();
  const descId = useId();
  const buckets = series.data;
  const money = (minor: number) => formatMoney(minor, series.currency, locale);
  const count = buckets.reduce((sum, b) => sum + b.count, 0);
  const total = buckets.reduce((sum, b) => sum + b.total_minor, 0);
  const max = buckets.reduce((m, b) => Math.max(m, b.total_minor), 0);
  const label = (iso: string) => periodLabel(t, series.interval, iso, language);
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const description =
    first && last ? t('sales.chart.description', { count, total: money(total), from: label(first.period_start), to: label(last.period_start) }) : '';

  // One unit of width per bucket; bars fill 70% of it. The SVG stretches to the card's width.
  const width = Math.max(buckets.length, 1);
  return (
    <figure className="card sales-chart" data-testid="sales-chart">
      <figcaption className="sales-chart__head">
        <h2 id={titleId}>{t('sales.chart.title')}</h2>
        <p id={descId} className="muted">
          {description}
        </p>
      </figcaption>
      <div className="sales-chart__plot">
        <span className="sales-chart__max muted" aria-hidden="true">
          {max > 0 ? money(max) : ''}
        </span>
        <svg
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          viewBox={`0 0 ${width} ${CHART_HEIGHT}`}
          preserveAspectRatio="none"
          width="100%"
          height={CHART_HEIGHT}
        >
          <line x1="0" x2={width} y1={CHART_HEIGHT - 0.5} y2={CHART_HEIGHT - 0.5} className="sales-chart__axis" />
          <line x1="0" x2={width} y1="0.5" y2="0.5" className="sales-chart__grid" />
          <line x1="0" x2={width} y1={CHART_HEIGHT / 2} y2={CHART_HEIGHT / 2} className="sales-chart__grid" />
          {buckets.map((b, i) => {
            const h = max > 0 ? Math.max((b.total_minor / max) * (CHART_HEIGHT - 8), b.total_minor > 0 ? 2 : 0) : 0;
            return (
              <rect key={b.period_start} x={i + 0.15} width={0.7} y={CHART_HEIGHT - h} height={h} className="sales-chart__bar">
                <title>{`${label(b.period_start)}: ${money(b.total_minor)} (${b.count})`}</title>
              </rect>
            );
          })}
        </svg>
        <div className="sales-chart__labels muted" aria-hidden="true">
          <span>{first ? label(first.period_start) : ''}</span>
          <span>{last && last !== first ? label(last.period_start) : ''}</span>
        </div>
      </div>
      <details className="sales-chart__numbers">
        <summary>{t('sales.chart.showTable')}</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('sales.chart.colPeriod')}</th>
              <th scope="col" className="table__num">
                {t('sales.chart.colSales')}
              </th>
              <th scope="col" className="table__num">
                {t('sales.chart.colAmount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.period_start}>
                <td>{label(b.period_start)}</td>
                <td className="table__num">{b.count}</td>
                <td className="table__num">{money(b.total_minor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function ChartSkeleton() {
  return (
    <div className="card sales-chart sales-chart--loading" aria-hidden="true">
      <div className="skeleton skeleton--title" />
      <div className="skeleton skeleton--chart" />
    </div>
  );
}
