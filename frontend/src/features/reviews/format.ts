const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.345],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday": how long ago `iso` was, from `now`. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  let value = (time - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) {
      // Anything under a minute reads as "now" rather than a ticking count of seconds.
      return unit === "second" ? relative.format(0, "second") : relative.format(Math.trunc(value), unit);
    }
    value /= size;
  }
  return iso;
}
