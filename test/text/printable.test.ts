/** lib/text/printable.ts: text from outside made safe for a terminal. */
import { describe, expect, it } from 'vitest';
import { printable } from '../../lib/text/printable.js';

describe('printable', () => {
  it('escapes line breaks, ANSI escapes and C1 controls', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\u001b[31mred')).toBe('\\x1b[31mred');
    expect(printable('x\u0085y\u2028z')).toBe('x\\x85y\\u2028z');
  });

  it('escapes the invisible format characters that reorder or hide text (bidi overrides, zero-width)', () => {
    expect(printable('bidi\u202egnp.exe')).toBe('bidi\\u202egnp.exe');
    expect(printable('a\u200bb\ufeffc\u2066d\u200fe\u061cf')).toBe(
      'a\\u200bb\\ufeffc\\u2066d\\u200fe\\u061cf',
    );
  });

  it('leaves ordinary text alone, accents and scripts included', () => {
    expect(printable('payments-prod Zürich 東京')).toBe('payments-prod Zürich 東京');
  });
});
