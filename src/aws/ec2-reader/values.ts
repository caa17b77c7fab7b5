// How the fast EC2 reader (reader.ts) turns an element's text into the value the SDK's deserializer
// gives it — and where it gives up instead (the caller then asks the SDK).
import type { Field } from './projection.js';

/** Thrown inside the reader when the document is beyond what it reads exactly; never escapes. */
export const NOT_UNDERSTOOD = new Error('not understood by the fast EC2 reader');
export function giveUp(): never {
  throw NOT_UNDERSTOOD;
}

/** What the SDK reads as true: the text `true`, in any case (`text.toLowerCase() === 'true'`). */
export function isTrue(text: string): boolean {
  return (
    text.length === 4 &&
    (text.charCodeAt(0) | 32) === 116 &&
    (text.charCodeAt(1) | 32) === 114 &&
    (text.charCodeAt(2) | 32) === 117 &&
    (text.charCodeAt(3) | 32) === 101
  );
}

/** What the SDK makes of `<name/>` (or `<name></name>`) for each kind of field. */
export function emptyValue(field: Field): unknown {
  switch (field.kind) {
    case 'string':
      return '';
    case 'number':
      return 0; // Number('')
    case 'boolean':
      return false;
    case 'struct':
      return {};
    case 'list':
      return [];
    case 'timestamp':
      return giveUp(); // the SDK refuses it
  }
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g;

/** The SDK parser's entity decoding, for the entities it decodes faithfully; otherwise giveUp. */
export function decodeEntities(text: string): string {
  let decoded = 0;
  const out = text.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, named?: string) => {
    decoded++;
    if (named !== undefined) return NAMED[named] ?? giveUp();
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec!, 10);
    if (code > 0xffff) giveUp(); // the SDK keeps only the low 16 bits
    return String.fromCharCode(code);
  });
  let ampersands = 0;
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) ampersands++;
  if (ampersands !== decoded) giveUp(); // a bare `&` (the SDK keeps it as it is)
  return out;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An RFC 3339 UTC timestamp as the SDK builds it; giveUp for offsets, leap seconds, impossible dates.
 * Exactly `YYYY-MM-DDThh:mm:ss[.f{1,9}]Z` (ASCII digits), read by character codes: one per instance.
 */
export function timestamp(text: string): Date {
  const length = text.length;
  if (length < 20 || length === 21 || length > 30) giveUp();
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(length - 1) !== 90 // Z
  )
    giveUp();
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hours = digits(text, 11, 2);
  const minutes = digits(text, 14, 2);
  const seconds = digits(text, 17, 2);
  let ms = 0;
  if (length > 20) {
    // `.` and 1 to 9 digits before the Z
    if (text.charCodeAt(19) !== 46) giveUp();
    const places = length - 21;
    const fraction = digits(text, 20, places);
    // Exactly Math.round(parseFloat(`0.${fraction}`) * 1000), as before, where it is not an integer.
    if (places <= 3) ms = fraction * 10 ** (3 - places);
    else if (fraction !== 0) ms = Math.round(parseFloat(`0.${text.slice(20, length - 1)}`) * 1000);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hours > 23 || minutes > 59 || seconds > 59)
    giveUp();
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, ms));
  if (year < 100) date.setUTCFullYear(year); // Date.UTC reads 0–99 as 1900–1999
  return date;
}

/** The number written by the `count` ASCII digits of `text` at `at`; giveUp on any other character. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let k = at; k < at + count; k++) {
    const d = text.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 9)) giveUp();
    value = value * 10 + d;
  }
  return value;
}
