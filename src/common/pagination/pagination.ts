import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/domain-error';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `limit` and `cursor`, the query of every collection. Extend it with the collection's filters. */
export class PageQueryDto {
  @ApiPropertyOptional({
    example: DEFAULT_LIMIT,
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Opaque cursor: the `nextCursor` of the previous page',
    maxLength: 512,
    example: 'WyIyMDI3LTAzLTAxVDAxOjAwOjAwLjAwMFoiLCIzZjJiOGMxZS02YTRkLTRlMWItOWMyYS03ZDVlOGY5YTBiMWMiXQ',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is the caller's error (400 on `cursor`). */
export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  ) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
  return values as CursorValue[];
}

export interface KeysetColumn<T> {
  /** The SQL expression to order by, e.g. `n.created_at`. */
  expression: string;
  /** Reads the value of this column from a fetched row, for the next cursor. */
  value: (row: T) => Date | string | number;
  /** For timestamps: the cursor keeps ISO strings with microsecond-safe comparison via timestamptz. */
  cast?: 'timestamptz' | 'uuid' | 'bigint' | 'text';
}

/** The usual keyset of a listing, newest first: `<alias>.created_at`, then `<alias>.id` (unique). */
export function byCreation<T extends { createdAt: Date; id: string }>(alias: string): KeysetColumn<T>[] {
  return [
    { expression: `${alias}.created_at`, value: (row) => row.createdAt, cast: 'timestamptz' },
    { expression: `${alias}.id`, value: (row) => row.id, cast: 'uuid' },
  ];
}

/**
 * Keyset pagination on a query builder, newest (largest) first: ORDER BY the columns DESC, then
 * `(c1, c2) < (:c1, :c2)` from the cursor. Stable under inserts; the last column must be unique
 * (an id). Fetches one extra row to know whether there is a next page.
 */
export function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  query: PageQueryDto,
  direction: 'DESC' | 'ASC' = 'DESC',
): Promise<Page<T>> {
  return paginateWith(qb, columns, query, direction, (q) => q.getMany());
}

/** paginate, with the rows read by `fetch` (e.g. entities with raw columns of the same statement). */
export async function paginateWith<T extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<R>[],
  query: PageQueryDto,
  direction: 'DESC' | 'ASC',
  fetch: (qb: SelectQueryBuilder<T>) => Promise<R[]>,
): Promise<Page<R>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (query.cursor) {
    const values = decodeCursor(query.cursor, columns.length);
    const params = Object.fromEntries(values.map((v, i) => [`cursor${i}`, v]));
    const left = columns.map((c) => c.expression).join(', ');
    const right = columns
      .map((c, i) => (c.cast ? `CAST(:cursor${i} AS ${c.cast})` : `:cursor${i}`))
      .join(', ');
    qb.andWhere(`(${left}) ${direction === 'DESC' ? '<' : '>'} (${right})`, params);
  }
  columns.forEach((c, i) =>
    i === 0 ? qb.orderBy(c.expression, direction) : qb.addOrderBy(c.expression, direction),
  );
  const rows = await fetch(qb.take(limit + 1));
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(
          columns.map((c) => {
            const v = c.value(last);
            return v instanceof Date ? v.toISOString() : v;
          }),
        )
      : null;
  return { items, nextCursor };
}

export function mapPage<T, R>(page: Page<T>, fn: (item: T) => R): Page<R> {
  return { items: page.items.map(fn), nextCursor: page.nextCursor };
}

/** OpenAPI for `{ items: Item[], nextCursor }`. */
export function ApiPageResponse(item: Type<unknown>, description = 'One page of results'): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', maxItems: MAX_LIMIT, items: { $ref: getSchemaPath(item) } },
          nextCursor: {
            type: 'string',
            nullable: true,
            maxLength: 512,
            example: null,
            description: 'Pass as `cursor` for the next page; null on the last',
          },
        },
      },
    }),
  );
}
