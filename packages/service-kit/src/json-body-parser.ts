import type { FastifyInstance } from 'fastify';
import { ValidationFailed } from './errors.ts';

/**
 * Deepest nesting of arrays and objects a JSON body may have. Every body the services accept is a
 * few levels deep; the bound keeps whatever walks a parsed body recursively (validation, the NUL
 * check, logging) far from the stack limit, which a body nested ≈6,000 deep reached (a 500).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * createApp's `application/json` parser, Fastify's own (prototype-poisoning refused) with two
 * rules in front:
 * - an empty body is no body, whatever the Content-Type says: clients that send
 *   `Content-Type: application/json` on every call (the original UI does) can DELETE, and POST
 *   to routes whose body is optional; a route that requires a body still answers 400;
 * - a body nested deeper than MAX_JSON_DEPTH is a 400, found by a scan before parsing.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (nestingExceeds(text, MAX_JSON_DEPTH)) {
      const problem = `body must not be nested deeper than ${MAX_JSON_DEPTH} levels`;
      done(new ValidationFailed(problem, { extensions: { errors: [problem] } }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** Whether brackets and braces outside JSON strings open more than `max` levels at some point. */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      // The character after a backslash is escaped: it cannot end the string.
      if (char === BACKSLASH) index += 1;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) depth -= 1;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
