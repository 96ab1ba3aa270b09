/**
 * Named errors shared by the CLI, the Lambda handlers and the library.
 * The CLI maps {@link UsageError} to exit code 2 ("bad input, nothing was changed").
 */

/** Bad input: a flag, an environment variable, a fleet file. Nothing was changed. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An AWS call (or a batch of them) failed after retries. */
export class OperationError extends Error {
  override name = 'OperationError';
}

/** Short, single-line description of any thrown value, for logs and reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { name?: string }).name;
    // An AWS code says what failed; this tool's own classes are not news to the reader.
    const own = error instanceof OperationError || error instanceof UsageError;
    return code && code !== 'Error' && !own && !error.message.startsWith(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}

/** Error codes AWS services use for "slow down" (the request was not processed). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** True for a throttling error, whatever the service calls it. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING_CODES.has(errorCode(error) ?? '');
}

/** The AWS error code of an SDK error (`CloudHsmResourceNotFoundException`, `ThrottlingException`, ...). */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; Code?: string; code?: string };
    return e.Code ?? e.code ?? e.name;
  }
  return undefined;
}
