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
