import { Type } from '@sinclair/typebox';

/**
 * Opt-in pagination. Without `page`/`pageSize` list endpoints return a plain array (parity with the
 * original API, which the UI relied on); with either one they return a {@link Page} envelope.
 */
export const pagingQuery = {
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100000,
      description: '1-based page; switches the response to a page envelope',
    }),
  ),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      description: 'items per page (default 20); switches the response to a page envelope',
    }),
  ),
};

export interface Paging {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export const DEFAULT_PAGE_SIZE = 20;

/** undefined when the caller asked for no paging. */
export function pagingFrom(query: {
  page?: number | undefined;
  pageSize?: number | undefined;
}): Paging | undefined {
  if (query.page === undefined && query.pageSize === undefined) return undefined;
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

export function toPage<T>(items: T[], total: number, paging: Paging): Page<T> {
  return {
    items,
    page: paging.page,
    pageSize: paging.pageSize,
    total,
    totalPages: Math.ceil(total / paging.pageSize),
  };
}

export function pageSchema<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object(
    {
      items: Type.Array(item),
      page: Type.Integer(),
      pageSize: Type.Integer(),
      total: Type.Integer(),
      totalPages: Type.Integer(),
    },
    { additionalProperties: false },
  );
}
