/** Median, spread and count of a set of samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** The p-th percentile (0-100) by linear interpolation between the nearest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);

  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Median, minimum and maximum of the samples. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summary of no values");

  return {
    median: percentile(values, 50),
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length,
  };
}

/** A summary as `median (min-max)` with the given number formatter. */
export function formatSummary(summary: Summary, format: (value: number) => string): string {
  if (summary.count === 1) return format(summary.median);

  return `${format(summary.median)} (${format(summary.min)}-${format(summary.max)})`;
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (value >= 100) return `${Math.round(value)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;

  return `${value.toFixed(2)} ms`;
}

/** Seconds with two decimals. */
export function seconds(valueMs: number): string {
  return `${(valueMs / 1000).toFixed(2)} s`;
}

/** Bytes in MiB (binary) with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Bytes in KiB (binary) with one decimal. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A ratio such as `6.4x`. */
export function ratio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}
