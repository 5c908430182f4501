import {
  context,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  parseTraceParent,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';

/**
 * Takes the parent of an incoming request's trace from a cookie when the request has no
 * `traceparent` header. A browser sends no trace context of its own, so the requests of a
 * redirect-based flow (the gateway's /bff/login, the idp's login form, /bff/callback) would each
 * start a trace; with the first one's context in a cookie scoped to the flow's paths they form one.
 * The cookie carries ids only, as a client-sent `traceparent` header would.
 */
class CookieTraceContextPropagator implements TextMapPropagator {
  readonly #cookie: string;

  constructor(cookieName: string) {
    this.#cookie = cookieName;
  }

  inject(): void {}

  extract(parent: Context, carrier: unknown, getter: TextMapGetter): Context {
    if (getter.get(carrier, 'traceparent') !== undefined) return parent; // the header wins (next propagator)
    const header = getter.get(carrier, 'cookie');
    const cookies = Array.isArray(header) ? header.join('; ') : (header ?? '');
    const value = cookies
      .split(';')
      .map((pair) => pair.trim())
      .find((pair) => pair.startsWith(`${this.#cookie}=`))
      ?.slice(this.#cookie.length + 1);
    const spanContext = value ? parseTraceParent(decodeURIComponent(value)) : null;
    return spanContext ? trace.setSpanContext(parent, { ...spanContext, isRemote: true }) : parent;
  }

  fields(): string[] {
    return [];
  }
}

/** Installs the cookie fallback beside W3C trace context and baggage (call once at start-up). */
export function acceptTraceContextFromCookie(cookieName: string): void {
  propagation.disable();
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [
        new CookieTraceContextPropagator(cookieName),
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
      ],
    }),
  );
}

/** The active span as a W3C traceparent value (undefined when nothing is traced). */
export function activeTraceParent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
