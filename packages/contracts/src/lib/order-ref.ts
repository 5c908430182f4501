import { Type } from '@sinclair/typebox';

/** Order ids are opaque to the downstream services: short, printable, safe in a URL path. */
export const orderIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' });
