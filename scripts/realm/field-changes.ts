import type { Change } from './plan-steps.ts';

/** Mapper config keys as `config.<key>` fields, so a mapper compares like a client. */
export const prefixed = (config: Record<string, string>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [`config.${k}`, v]));

const isSecretField = (field: string) => /secret/i.test(field);

/** The fields `desired` states whose live value differs; attributes compared one by one, URI lists as sets. */
export function fieldChanges(desired: Record<string, unknown>, live: Record<string, unknown>): Change[] {
  const changes: Change[] = [];
  const push = (field: string, before: unknown, after: unknown) =>
    changes.push(isSecretField(field) ? { field, hidden: true } : { field, before, after });
  for (const [field, want] of Object.entries(desired)) {
    const have = live[field];
    if (field === 'attributes' && typeof want === 'object' && want !== null) {
      const haveAttributes = (have ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(want))
        if (haveAttributes[name] !== value) push(`attributes.${name}`, haveAttributes[name], value);
    } else if (Array.isArray(want)) {
      const same = Array.isArray(have) && have.length === want.length && want.every((v) => have.includes(v));
      if (!same) push(field, have, want);
    } else if (have !== want) push(field, have, want);
  }
  return changes;
}

/** The desired values of the changed fields (whole attributes map when any attribute changed). */
export function pick(settings: Record<string, unknown>, changes: Change[]): Record<string, unknown> {
  const fields = new Set(changes.map((c) => c.field.split('.')[0] as string));
  return Object.fromEntries(Object.entries(settings).filter(([k]) => fields.has(k)));
}
