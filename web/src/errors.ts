import type { TFunction } from 'i18next';
import { ApiError } from './api';

/**
 * A sentence for the user about a failed request: our own translation when we know the
 * error code, otherwise the server's message (the API writes human messages).
 */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('errors.network');
    // The most specific translation wins: code for this field, then the code alone.
    const keys = error.param
      ? [`apiErrors.${error.code}__${error.param}`, `apiErrors.${error.code}`]
      : [`apiErrors.${error.code}`];
    for (const key of keys) {
      const translated = t(key, { defaultValue: '' });
      if (translated) return translated;
    }
    if (error.status >= 500) return t('errors.generic');
    return error.message || t('errors.generic');
  }
  return t('errors.generic');
}

/** Minutes to show for a 429, from Retry-After (at least 1; 1 when the header is missing). */
export function retryMinutes(error: ApiError): number {
  const seconds = error.retryAfterSeconds ?? 60;
  return Math.max(1, Math.ceil(seconds / 60));
}
