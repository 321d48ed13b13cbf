import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiErrors, type ErrorDeclaration } from '../errors/api-errors';

export interface EndpointOptions {
  /** One line: what the operation does, in the caller's words. */
  summary: string;
  /** Rules, who may call it, what it publishes; the state rows it takes, from the machine's `describe()`. */
  description?: string;
  /**
   * The domain error codes the operation's own code path can answer (see `ApiErrors`); the codes
   * every operation of its kind can answer (credentials, input, rate limit, 5xx) are added by the
   * document builder.
   */
  errors?: ErrorDeclaration[];
  deprecated?: boolean;
}

/**
 * One decorator for what an operation says about itself in the OpenAPI document — summary,
 * description and its declared error codes — in the style of immich's `@Endpoint`. Guards
 * (`@Authenticated`), the success response and the headers it reads stay their own decorators.
 */
export function Endpoint({
  summary,
  description,
  errors = [],
  deprecated,
}: EndpointOptions): MethodDecorator {
  return applyDecorators(ApiOperation({ summary, description, deprecated }), ApiErrors(...errors));
}
