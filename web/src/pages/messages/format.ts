import type { TFunction } from 'i18next';

/** "45 min", "3 h 20 min", "2 d 4 h": a response time a seller reads at a glance. */
export function formatDuration(t: TFunction, seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return t('messages.metrics.underMinute');
  if (minutes < 60) return t('messages.metrics.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('messages.metrics.hoursMinutes', { hours, minutes: minutes % 60 });
  return t('messages.metrics.daysHours', { days: Math.floor(hours / 24), hours: hours % 24 });
}

export function formatShare(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function formatWhen(iso: string, locale: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(locale, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium' }).format(at);
}
