import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiErrors, type ErrorDeclaration } from '../errors/api-errors';
import type { StateMachine } from '../state-machine/state-machine';

export const ENDPOINT_TRANSITIONS = 'openapi:transitions';

/** The rows of a transition table an operation takes, quoted in its description. */
export interface EndpointTransitions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  machine: StateMachine<any, any>;
  actions: readonly string[];
}

export interface EndpointOptions {
  /** One line: what the operation does, in the caller's words. */
  summary: string;
  /** Rules, who may call it, what it publishes. */
  description?: string;
  /**
   * The domain error codes the operation's own code path can answer (see `ApiErrors`); the codes
   * every operation of its kind can answer (credentials, input, rate limit, 5xx) are added by the
   * document builder.
   */
  errors?: ErrorDeclaration[];
  /** The state rows the operation takes: the description quotes them from the table itself. */
  transitions?: EndpointTransitions;
  deprecated?: boolean;
}

/** "States — submit: draft → pending_review (issuer; send to vetting)." for the description. */
export function describeTransitions({ machine, actions }: EndpointTransitions): string {
  for (const action of actions) {
    if (!machine.actions.includes(action)) throw new Error(`${machine.aggregate} has no action ${action}`);
  }
  return `Transitions of the ${machine.aggregate} — ${machine.describe(actions)}.`;
}

/**
 * One decorator for what an operation says about itself in the OpenAPI document — summary,
 * description, the state rows it takes and its declared error codes — in the style of immich's
 * `@Endpoint`. Guards (`@Authenticated`), the success response and the headers it reads stay their
 * own decorators.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const { summary, errors = [], transitions, deprecated } = options;
  const quoted = transitions ? describeTransitions(transitions) : undefined;
  const description = [options.description, quoted].filter(Boolean).join(' ') || undefined;
  return applyDecorators(
    ApiOperation({ summary, description, deprecated }),
    ApiErrors(...errors),
    SetMetadata(ENDPOINT_TRANSITIONS, transitions ?? null),
  );
}
