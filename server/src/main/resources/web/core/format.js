// How figures and times read in the app.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso) {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso) {
  return date.format(new Date(iso));
}

export function formatCount(n) {
  return n.toLocaleString();
}

/** A size the API gives in GB (10^9 bytes), in the unit that reads best. */
export function formatGigabytes(gb) {
  if (gb >= 1000) return (gb / 1000).toLocaleString(undefined, { maximumFractionDigits: 2 }) + ' TB';
  if (gb >= 1) return gb.toLocaleString(undefined, { maximumFractionDigits: 2 }) + ' GB';
  return (gb * 1000).toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' MB';
}

/** The API's messages start in lower case (they read as "field: problem"); shown alone, they read as sentences. */
export function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A size in bytes, in the unit that reads best (decimal units, as the API's GB figures). */
export function formatBytes(bytes) {
  if (bytes < 1000) return bytes.toLocaleString() + ' B';
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return value.toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' ' + units[unit];
}
