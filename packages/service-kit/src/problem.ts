import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { trace } from '@opentelemetry/api';
import { AppError } from './errors.ts';

/** RFC 9457 problem details, with the stable `code` and the trace id for support requests. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  traceId?: string;
  [extension: string]: unknown;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const masked = error.status >= 500;
  const body: Problem = {
    type: `https://mockmart.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.status,
    // 5xx details can carry internals (SQL, hosts); the title is all a client gets.
    ...(masked ? {} : { detail: error.message }),
    code: error.code,
    instance: request.url.split('?')[0],
    traceId: trace.getActiveSpan()?.spanContext().traceId ?? request.id,
    ...(masked ? {} : error.extensions),
    // What the error marked safe for any status: ids and states, so a client can learn what became
    // of what it asked for even from a 503.
    ...error.exposed,
  };
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  return reply.status(error.status).type('application/problem+json').send(body);
}

/** Maps what Fastify itself throws (validation, body size, media type…) onto coded app errors. */
export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const problems = fastifyError.validation.map((issue) => {
      const where = `${fastifyError.validationContext ?? 'request'}${issue.instancePath || ''}`;
      const extra =
        issue.keyword === 'additionalProperties'
          ? ` '${String((issue.params as { additionalProperty?: string }).additionalProperty)}'`
          : '';
      return `${where} ${issue.message ?? 'is invalid'}${extra}`;
    });
    return new AppError('KIT_VALIDATION_FAILED', 400, 'Invalid request', problems.join('; '), {
      extensions: { errors: problems },
    });
  }
  const status = fastifyError.statusCode;
  if (status === 413) return new AppError('KIT_PAYLOAD_TOO_LARGE', 413, 'Request body too large');
  if (status === 415) return new AppError('KIT_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type');
  if (status === 429) return new AppError('KIT_RATE_LIMITED', 429, 'Too many requests', fastifyError.message);
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError('KIT_BAD_REQUEST', status, 'Bad request', 'The request could not be understood');
  }
  if (isDatabaseOverloaded(error)) {
    return new AppError('KIT_DATABASE_UNAVAILABLE', 503, 'Database busy or unreachable', undefined, {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  return new AppError('KIT_INTERNAL', 500, 'Internal error', undefined, { cause: error });
}

// Transient, not a bug: the server refuses connections (too many clients, starting up, shutting
// down) or the pool had no free connection in time. The client may retry: 503 + Retry-After.
const OVERLOAD_CODES = new Set(['53300', '57P03', '57P01', '08006', '08001', 'ECONNREFUSED']);

function isDatabaseOverloaded(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && OVERLOAD_CODES.has(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(
    error.message,
  );
}
