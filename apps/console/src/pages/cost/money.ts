/** Cost figures: the API gives exact decimals (9 fractional digits) in a unit; USD is the default unit. */

/**
 * Formats an amount of `unit`: USD as currency with cents, and with enough
 * digits that a small non-zero figure (runs often cost fractions of a cent)
 * never shows as $0.00; other units as a number and the unit.
 */
export function formatAmount(amount: string | number, unit: string): string {
  const value = typeof amount === 'string' ? Number(amount) : amount;
  if (!Number.isFinite(value)) return `${amount} ${unit}`;
  if (unit.toUpperCase() === 'USD') {
    const abs = Math.abs(value);
    // Three significant digits below a cent, capped at the API's 9 fractional digits.
    const digits = abs === 0 || abs >= 0.01 ? 2 : Math.min(9, -Math.floor(Math.log10(abs)) + 2);
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  }
  return `${new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 }).format(value)} ${unit}`;
}

/** A short axis label: compact notation, currency sign for USD. */
export function formatAxis(value: number, unit: string): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const n = abs >= 1 ? new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value) : value.toPrecision(2);
  return unit.toUpperCase() === 'USD' ? `$${n}` : n;
}

/** Units the cost queries total, USD first (`unit` argument of costBreakdown, topCostAssets, assetCostTrend). */
export const COST_UNITS = ['USD', 'credits', 'seconds', 'gb_seconds', 'bytes'];

/** YYYY-MM-DD of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `days` whole UTC days ending today: from (inclusive) and the day after today (exclusive), as the API takes them. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: isoDay(new Date(today - (days - 1) * 86_400_000)), to: isoDay(new Date(today + 86_400_000)) };
}

/** The current period of a budget: its first day (UTC day, ISO week from Monday, calendar month) to tomorrow. */
export function currentPeriod(grain: 'DAY' | 'WEEK' | 'MONTH', now = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const to = isoDay(new Date(today + 86_400_000));
  if (grain === 'DAY') return { from: isoDay(new Date(today)), to };
  if (grain === 'WEEK') return { from: isoDay(new Date(today - ((now.getUTCDay() + 6) % 7) * 86_400_000)), to };
  return { from: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), to };
}

/** First days of every bucket of `grain` that overlaps [from, to): UTC days, ISO weeks (Mondays) or calendar months. */
export function bucketStarts(from: string, to: string, grain: 'DAY' | 'WEEK' | 'MONTH'): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  let d = new Date(`${from}T00:00:00Z`);
  if (grain === 'WEEK') d = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000);
  if (grain === 'MONTH') d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  while (d.getTime() < end && out.length < 400) {
    out.push(isoDay(d));
    d = grain === 'MONTH' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : new Date(d.getTime() + (grain === 'WEEK' ? 7 : 1) * 86_400_000);
  }
  return out;
}

/** Series colours for charts: distinct and at least 3:1 against white (lines and areas are also labelled in the legend and the table). */
export const SERIES_COLOURS = ['#0550ae', '#bc4c00', '#1a7f37', '#8250df', '#cf222e', '#0a7b83', '#9a6700', '#57606a'];
