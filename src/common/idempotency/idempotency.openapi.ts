import type { OpenAPIObject } from '@nestjs/swagger';
import { KEY_PATTERN } from './idempotency.interceptor';

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  parameters?: Array<Schema>;
  responses?: Record<string, Schema>;
};

const PARAMETER = 'IdempotencyKey';
const REPLAYED_HEADER = 'Idempotency-Replayed';

/**
 * Documents Idempotency-Key (ADR 11) on the given operations: the request header and the
 * `Idempotency-Replayed` header of their success answers. Their 409 IDEMPOTENCY_KEY_IN_USE and 422
 * IDEMPOTENCY_KEY_REUSED answers come from the OpenAPI conventions (CONVENTIONAL_ERRORS), which read
 * the same metadata. Run before applyOpenApiConventions.
 */
export function documentIdempotencyKey(document: OpenAPIObject, operationIds: Set<string>): OpenAPIObject {
  const doc = document as unknown as {
    paths: Record<string, Record<string, Operation | undefined>>;
    components: Record<string, Record<string, Schema> | undefined>;
  };
  doc.components.parameters = {
    ...(doc.components.parameters ?? {}),
    [PARAMETER]: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A unique key per intended action (e.g. a UUID), kept 24 hours per caller and route. Retrying ' +
        'with the same key and body replays the first answer (with `Idempotency-Replayed: true`) instead ' +
        'of acting again; the same key with another body answers 422 IDEMPOTENCY_KEY_REUSED; while the ' +
        'first request runs, 409 IDEMPOTENCY_KEY_IN_USE. Failed requests are not remembered.',
      schema: { type: 'string', pattern: KEY_PATTERN.source, maxLength: 255 },
      example: '5f0c6a0e-8d1b-4a57-9b7e-2c1d3e4f5a6b',
    },
  };
  doc.components.headers = {
    ...(doc.components.headers ?? {}),
    [REPLAYED_HEADER]: {
      description:
        '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
      schema: { type: 'string', enum: ['true'] },
    },
  };
  for (const item of Object.values(doc.paths)) {
    const operation = item.post;
    if (!operation?.operationId || !operationIds.has(operation.operationId)) continue;
    const parameters = (operation.parameters ??= []);
    const ref = { $ref: `#/components/parameters/${PARAMETER}` };
    const own = parameters.findIndex((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    if (own >= 0) parameters.splice(own, 1, ref);
    else parameters.push(ref);
    const responses = (operation.responses ??= {});
    for (const [code, response] of Object.entries(responses)) {
      if (!/^2\d\d$/.test(code) || '$ref' in response) continue;
      response.headers = {
        ...(response.headers ?? {}),
        [REPLAYED_HEADER]: { $ref: `#/components/headers/${REPLAYED_HEADER}` },
      };
    }
  }
  return document;
}
