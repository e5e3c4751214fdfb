/** Numbers, prices and dates as a Korean reader expects them (and an English one, when chosen). */
import type { Language } from './i18n/messages.ts';

const locales: Record<Language, string> = { ko: 'ko-KR', en: 'en-GB' };

const krw = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' });

/** Prices are always won, written the Korean way (₩35,000,000), whatever the interface language. */
export function formatKrw(amount: number): string {
  return krw.format(amount);
}

export function formatNumber(value: number, language: Language, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locales[language], { maximumFractionDigits }).format(value);
}

/** Dates in Korea's time zone: the marketplace's calendar is Korean. */
export function formatDate(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[language], { dateStyle: 'medium', timeZone: 'Asia/Seoul' }).format(date);
}

export function formatDateTime(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[language], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Seoul' }).format(date);
}

/** YYYY-MM-DD of a day in Korea, `daysAgo` days before now (date inputs and report ranges). */
export function koreanDay(daysAgo = 0, now = new Date()): string {
  const shifted = new Date(now.getTime() - daysAgo * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(shifted);
}

/** A duration in one unit, the way the language abbreviates it (12분, 12 min). */
export function formatDuration({ value, unit }: { value: number; unit: 'minute' | 'hour' | 'day' }, language: Language): string {
  return new Intl.NumberFormat(locales[language], { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
