import pc from 'picocolors';

/** Colour functions (`red`, `green`, ...): real ones, or ones that return the text unchanged. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour output for a stream: never under NO_COLOR (any non-empty value), always
 * under FORCE_COLOR (other than 0), otherwise only on a terminal. Decided here, per stream,
 * because picocolors' own default also colours pipes whenever a CI variable is set.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** The colour functions for a stream. */
export function colorsFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Colors {
  return pc.createColors(colorEnabled(stream, env));
}
