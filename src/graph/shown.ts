// How a message shows a value a user sent: never raw, never whole.

/** How much of a bad value a message shows. */
export const SHOWN_CHARACTERS = 60;

/**
 * A string as a message shows it: JSON-quoted (so a NUL or a newline is an escape, never a broken
 * line), control and invisible formatting characters escaped too, and cut at SHOWN_CHARACTERS with the
 * full length said.
 */
export function shown(value: string): string {
  const chars = Array.from(value);
  const cut = chars.length > SHOWN_CHARACTERS;
  const text = cut ? chars.slice(0, SHOWN_CHARACTERS - 1).join('') + '…' : value;
  const quoted = JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\p{Cf}]/gu,
    (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${quoted} (${chars.length} characters)` : quoted;
}
