import { describe, expect, it } from 'vitest';
import i18n, { resources } from './i18n';
import { en } from './locales/en';
import { es } from './locales/es';

function flatten(tree: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else Object.assign(out, flatten(value as object, path));
  }
  return out;
}

const flatEn = flatten(en);
const flatEs = flatten(es);
const placeholders = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('have the same keys in English and Spanish', () => {
    expect(Object.keys(flatEs).sort()).toEqual(Object.keys(flatEn).sort());
  });

  it('have no empty strings', () => {
    for (const [key, value] of [...Object.entries(flatEn), ...Object.entries(flatEs)]) {
      expect(value.trim(), key).not.toBe('');
    }
  });

  it('use the same {{placeholders}} in both languages', () => {
    for (const key of Object.keys(flatEn)) {
      expect(placeholders(flatEs[key] ?? ''), key).toEqual(placeholders(flatEn[key] ?? ''));
    }
  });

  it('are really translated (Spanish differs from English except names)', () => {
    const same = Object.keys(flatEn).filter((k) => flatEn[k] === flatEs[k]);
    // Product name and language endonyms are the same in every language.
    expect(same.sort()).toEqual(['app.name', 'app.titleSuffix', 'language.en', 'language.es']);
  });

  it('are what i18next serves', () => {
    expect(resources.en.translation).toBe(en);
    expect(i18n.getFixedT('es')('nav.sales')).toBe('Ventas');
    expect(i18n.getFixedT('en')('nav.settings')).toBe('Settings');
  });

  it('pluralise the rate-limit message in both languages', () => {
    expect(i18n.getFixedT('en')('login.tooManyAttempts', { count: 1 })).toBe('Too many attempts. Try again in 1 minute.');
    expect(i18n.getFixedT('en')('login.tooManyAttempts', { count: 15 })).toBe('Too many attempts. Try again in 15 minutes.');
    expect(i18n.getFixedT('es')('login.tooManyAttempts', { count: 1 })).toBe(
      'Demasiados intentos. Vuelve a intentarlo dentro de 1 minuto.',
    );
    expect(i18n.getFixedT('es')('login.tooManyAttempts', { count: 15 })).toBe(
      'Demasiados intentos. Vuelve a intentarlo dentro de 15 minutos.',
    );
  });
});
