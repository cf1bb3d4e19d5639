/** Formatting helpers that follow the active language (passed in, so they stay pure). */

export function endpoint(address: string, port: number): string {
  return `${address}:${port}`;
}

export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function formatClock(at: number, locale: string): string {
  return new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

export function formatClockSeconds(at: number, locale: string): string {
  const d = new Date(at);
  const base = d.toLocaleTimeString(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return `${base}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function formatDateTime(at: number, locale: string): string {
  return new Date(at).toLocaleString(locale);
}

export function formatDay(at: number, locale: string): string {
  return new Date(at).toLocaleDateString(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
  });
}

/** Short time for the contact list: clock today, date otherwise. */
export function formatListTime(at: number, now: number, locale: string): string {
  if (dayKey(at) === dayKey(now)) return formatClock(at, locale);
  return new Date(at).toLocaleDateString(locale, { month: 'numeric', day: 'numeric' });
}

export function formatBytes(bytes: number, locale: string): string {
  if (bytes < 1024) return `${bytes.toLocaleString(locale)} B`;
  if (bytes < 1024 * 1024)
    return `${(bytes / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} KiB`;
  if (bytes < 1024 * 1024 * 1024)
    return `${(bytes / 1024 / 1024).toLocaleString(locale, { maximumFractionDigits: 1 })} MiB`;
  return `${(bytes / 1024 ** 3).toLocaleString(locale, { maximumFractionDigits: 2 })} GiB`;
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
  return value.toLocaleString(locale);
}
