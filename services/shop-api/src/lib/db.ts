export type { Database, Queryable } from '@mockmart/service-kit/db';
