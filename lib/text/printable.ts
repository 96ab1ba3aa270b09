/**
 * Text from outside (an account name from Organizations, an error message) made safe for a
 * terminal: control characters are written as escapes, so a name cannot start a line of its own,
 * forge a `unit failed:` line or recolour the output. `--json` keeps the raw value (JSON escapes it).
 */

/**
 * C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the invisible
 * format characters that reorder or hide text: the Arabic letter mark, zero-width characters and
 * directional marks (U+200B–U+200F), bidi embeddings and overrides (U+202A–U+202E), word joiner
 * and invisible operators (U+2060–U+2064), bidi isolates (U+2066–U+2069) and the BOM (U+FEFF).
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with each control character escaped (`\n`, `\r`, `\t`, else `\xHH` or `\uHHHH`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => {
    const named = NAMED[char];
    if (named) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
