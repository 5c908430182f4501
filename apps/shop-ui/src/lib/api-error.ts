// Errors from the gateway and shop-api arrive as RFC 9457 problem details
// ({ type, title, status, detail, code, … }). The UI keys its messages on `status` and the stable
// `code`, never on the English `detail`, so a reworded server message cannot break a screen.

export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  traceId?: string;
  [extension: string]: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof problem.code === 'string' ? problem.code : undefined;
    this.problem = problem;
  }

  /** True when the server code mentions `fragment` (codes are stable, e.g. SHOP_OUT_OF_STOCK). */
  codeIncludes(fragment: string): boolean {
    return this.code?.toUpperCase().includes(fragment.toUpperCase()) ?? false;
  }
}

/** A short, user-facing message for any thrown value. */
export function describeError(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session has ended. Please log in again.';
    if (error.status === 403) return 'You are not allowed to do this.';
    if (error.status >= 500) return fallback;
    return error.problem.detail ?? error.problem.title ?? fallback;
  }
  if (error instanceof TypeError) return 'The shop cannot be reached. Check your connection and try again.';
  return fallback;
}
