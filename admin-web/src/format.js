// Display formatting with the platform's Intl, so numbers, money and dates read the operator's way.
const locale = undefined; // the browser's

const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const pln = new Intl.NumberFormat(locale, {
  style: "currency",
  currency: "PLN",
  maximumFractionDigits: 0,
});
const plnExact = new Intl.NumberFormat(locale, {
  style: "currency",
  currency: "PLN",
  minimumFractionDigits: 2,
});
const timeOfDay = new Intl.DateTimeFormat(locale, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });
const bytesFormat = (unit) =>
  new Intl.NumberFormat(locale, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  });
const byteUnits = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"].map((u) => [
  u,
  bytesFormat(u),
]);

const missing = "—";
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

export const count = (v) => (isNumber(v) ? integer.format(v) : missing);
export const number = (v) => (isNumber(v) ? decimal.format(v) : missing);
export const ms = (v) => (isNumber(v) ? `${decimal.format(v)} ms` : missing);
export const percent = (v) => (isNumber(v) ? `${decimal.format(v)} %` : missing);
/** A 0..1 ratio as a percentage. */
export const ratio = (v) =>
  isNumber(v)
    ? `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(v * 100)} %`
    : missing;

/** Money is integer minor units (grosze) everywhere in the API. */
export const money = (minor) => (isNumber(minor) ? pln.format(minor / 100) : missing);
export const moneyExact = (minor) => (isNumber(minor) ? plnExact.format(minor / 100) : missing);

export function bytes(v) {
  if (!isNumber(v)) return missing;
  let i = 0;
  let value = v;
  while (value >= 1024 && i < byteUnits.length - 1) {
    value /= 1024;
    i++;
  }
  return byteUnits[i][1].format(value);
}

const toDate = (v) => {
  if (v == null || v === "") return null;
  // Firestore Timestamps that a section passes through unconverted arrive as {seconds, nanos}.
  if (typeof v === "object" && !(v instanceof Date) && typeof v.seconds === "number")
    v = v.seconds * 1000;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

export const clock = (v) => {
  const d = toDate(v);
  return d ? timeOfDay.format(d) : missing;
};
export const when = (v) => {
  const d = toDate(v);
  return d ? dateTime.format(d) : missing;
};

/** "3 min ago", "in 2 h" relative to now. */
export function ago(v, now = Date.now()) {
  const d = toDate(v);
  if (!d) return missing;
  const seconds = Math.round((d.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, "second");
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86400), "day");
}

export function duration(seconds) {
  if (!isNumber(seconds)) return missing;
  if (seconds < 60) return `${integer.format(seconds)} s`;
  if (seconds < 3600)
    return `${integer.format(Math.floor(seconds / 60))} min ${integer.format(seconds % 60)} s`;
  if (seconds < 86400)
    return `${integer.format(Math.floor(seconds / 3600))} h ${integer.format(Math.floor((seconds % 3600) / 60))} min`;
  return `${integer.format(Math.floor(seconds / 86400))} d ${integer.format(Math.floor((seconds % 86400) / 3600))} h`;
}

export const text = (v) => (v == null || v === "" ? missing : String(v));
