/** An error the sandbox answers with, in the calling protocol's own error format. */
export class ApiError extends Error {
  override name = 'ApiError';

  /**
   * @param code AWS error code, e.g. `CloudHsmResourceNotFoundException`.
   * @param message the human message AWS would send.
   * @param status the HTTP status (400 for client errors, 500 for internal failures).
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
