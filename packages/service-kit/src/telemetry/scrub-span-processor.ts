import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { REDACTED, SECRET_FIELD_NAMES, scrubQueryString, scrubValues } from '../lib/scrub-values.ts';

const SECRET_NAMES = new Set(SECRET_FIELD_NAMES.map((name) => name.toLowerCase()));

// Attributes that hold a bare query string (no leading '?'); URLs (url.full, http.url,
// http.target) carry theirs after a '?' and are handled like any other string.
const QUERY_ATTRIBUTES = new Set(['url.query', 'http.query']);

/**
 * Applies the kit's redaction policy (lib/scrub-values.ts, the same as the logger's) to every
 * span before any exporter sees it: the HTTP instrumentations record `url.full` and `url.query`,
 * which carry the authorization `code` and `state` of the login callback, the `nonce` of an
 * authorize redirect or an `id_token_hint`. Query parameters outside the allow-list, e-mail
 * addresses, bearer credentials and JWTs become `[redacted]`, in attributes and span events
 * (an exception's message) alike.
 *
 * It runs in `onEnding`, the moment the span is complete but still writable (marked experimental
 * by the SDK; telemetry.test.ts proves it on the real instrumentations).
 */
export class ScrubSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    for (const [key, value] of Object.entries(span.attributes)) {
      const scrubbed = scrubAttribute(key, value);
      if (scrubbed !== value) span.setAttribute(key, scrubbed as AttributeValue);
    }
    for (const event of span.events) if (event.attributes) scrubAttributes(event.attributes);
  }

  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

function scrubAttributes(attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) attributes[key] = scrubAttribute(key, value);
}

function scrubAttribute(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined) return value;
  if (SECRET_NAMES.has(key.slice(key.lastIndexOf('.') + 1).toLowerCase())) return REDACTED;
  if (typeof value === 'string') return scrubString(key, value);
  if (Array.isArray(value) && value.some((item) => typeof item === 'string'))
    return value.map((item) => (typeof item === 'string' ? scrubString(key, item) : item)) as AttributeValue;
  return value;
}

function scrubString(key: string, value: string): string {
  const scrubbed = QUERY_ATTRIBUTES.has(key) ? scrubQueryString(value) : scrubValues(value);
  return scrubbed === value ? value : scrubbed;
}
