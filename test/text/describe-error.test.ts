/** lib/errors.ts describeError: one line for any thrown value, for messages people read. */
import { describe, expect, it } from 'vitest';
import { describeError, OperationError, UsageError } from '../../lib/errors.js';

describe('describeError', () => {
  it("prefixes an AWS error's code, which says what kind of failure it is", () => {
    const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(describeError(error)).toBe('ThrottlingException: Rate exceeded');
  });

  it("does not prefix this tool's own error classes: their messages say it all", () => {
    expect(describeError(new OperationError('account 444444444444: sts:AssumeRole failed'))).toBe(
      'account 444444444444: sts:AssumeRole failed',
    );
    expect(describeError(new UsageError('--region is required'))).toBe('--region is required');
  });

  it('keeps a plain message and stringifies what is not an Error', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('text')).toBe('text');
  });
});
