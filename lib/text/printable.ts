/**
 * Text from outside (an account name from Organizations, an error message) made safe for a
 * terminal: control characters are written as escapes, so a name cannot start a line of its own,
 * forge a `unit failed:` line or recolour the output. `--json` keeps the raw value (JSON escapes it).
 */

/** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

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
