/** Formatting helpers that follow the active language (passed in, so they stay pure). */

export function endpoint(address: string, port: number): string {
  return `${address}:${port}`;
}

export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/**
 * One `Intl.DateTimeFormat` per language and style, made on first use. `toLocaleTimeString` and
 * friends build a new one on every call (and load locale data the first time), which cost about
 * 130 ms when the contact list and a conversation first rendered.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
const numbers = new Map<string, Intl.NumberFormat>();

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const CLOCK_SECONDS: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
};
/** What `toLocaleString()` shows without options: the date and the time. */
const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};
const DAY: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'short',
};
const SHORT_DATE: Intl.DateTimeFormatOptions = { month: 'numeric', day: 'numeric' };
const STYLES = new Map<Intl.DateTimeFormatOptions, string>([
  [CLOCK, 'clock'],
  [CLOCK_SECONDS, 'clock-seconds'],
  [DATE_TIME, 'date-time'],
  [DAY, 'day'],
  [SHORT_DATE, 'short-date'],
]);

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${STYLES.get(options) ?? ''}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

function numberFormat(locale: string, fraction: boolean, digits = 1): Intl.NumberFormat {
  const key = `${locale}|${fraction ? digits : 0}`;
  let format = numbers.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, fraction ? { maximumFractionDigits: digits } : {});
    numbers.set(key, format);
  }
  return format;
}

export function formatClock(at: number, locale: string): string {
  return dateFormat(locale, CLOCK).format(at);
}

export function formatClockSeconds(at: number, locale: string): string {
  const base = dateFormat(locale, CLOCK_SECONDS).format(at);
  return `${base}.${String(new Date(at).getMilliseconds()).padStart(3, '0')}`;
}

export function formatDateTime(at: number, locale: string): string {
  return dateFormat(locale, DATE_TIME).format(at);
}

export function formatDay(at: number, locale: string): string {
  return dateFormat(locale, DAY).format(at);
}

/** Short time for the contact list: clock today, date otherwise. */
export function formatListTime(at: number, now: number, locale: string): string {
  if (dayKey(at) === dayKey(now)) return formatClock(at, locale);
  return dateFormat(locale, SHORT_DATE).format(at);
}

export function formatBytes(bytes: number, locale: string): string {
  if (bytes < 1024) return `${numberFormat(locale, false).format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${numberFormat(locale, true).format(bytes / 1024)} KiB`;
  if (bytes < 1024 * 1024 * 1024)
    return `${numberFormat(locale, true).format(bytes / 1024 / 1024)} MiB`;
  return `${numberFormat(locale, true, 2).format(bytes / 1024 ** 3)} GiB`;
}

/** A duration for "time left": `2 h 5 min`, `3 min 20 s`, `12 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${String(h)} h ${String(m)} min`;
  if (m > 0) return `${String(m)} min ${String(s % 60)} s`;
  return `${String(s)} s`;
}

export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale, false).format(value);
}
