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

/** A size the API gives in GB (10^9 bytes), in the unit that reads best (a few kilobytes are not "0 MB"). */
export function formatGigabytes(gb) {
  return formatBytes(Math.round(gb * 1e9));
}

/** The API's messages start in lower case (they read as "field: problem"); shown alone, they read as sentences. */
export function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A size in bytes, in the unit that reads best (powers of 1000, as disks and the API's totals count). */
export function formatBytes(bytes) {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1000 && i < units.length - 1) {
    bytes /= 1000;
    i++;
  }
  return bytes.toLocaleString(undefined, { maximumFractionDigits: i === 0 ? 0 : 1 }) + ' ' + units[i];
}

/** A duration in seconds, roughly: "40 s", "3 min", "2 h 5 min". */
export function formatDuration(seconds) {
  if (seconds < 60) return Math.max(1, Math.round(seconds)) + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
}
