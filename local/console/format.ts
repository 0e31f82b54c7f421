/**
 * How the page writes names and times: plain functions, shared by the page and its tests.
 */

/** A UUID (an execution started without a name) by its first 8 characters: the list stays one line. */
export const shortName = (name: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)
    ? `${name.slice(0, 8)}…`
    : name;

/** How long after the execution started an event happened: +0.412 s, +5 min 49.0 s. */
export const sinceStart = (iso: string | undefined, start: string | undefined) => {
  if (!iso || !start) return '';
  const seconds = Math.max(0, (Date.parse(iso) - Date.parse(start)) / 1000);
  if (seconds < 60) return `+${seconds.toFixed(3)} s`;
  return `+${Math.floor(seconds / 60)} min ${(seconds % 60).toFixed(1)} s`;
};

// An email address: a local part, "@", a domain with a dot. Personal data wherever it appears.
const EMAIL_ADDRESS = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/**
 * Every email address in `text` masked to its first letter and its domain (j***@example.com),
 * whatever field or record carries it: what the console and npm start show leaves none in clear.
 */
export const maskEmailAddresses = (text: string): string => text.replace(EMAIL_ADDRESS, '$1***@$2');
