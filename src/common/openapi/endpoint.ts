import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiErrors, type ErrorDeclaration } from '../errors/api-errors';
import type { StateMachine } from '../state-machine/state-machine';

/** Metadata key of the `EndpointTransitions[]` an operation quotes (empty when none). */
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
  /**
   * The state rows the operation takes: the description quotes them from the table itself. A list
   * when the operation moves more than one aggregate (a project and its acceptance).
   */
  transitions?: EndpointTransitions | readonly EndpointTransitions[];
  deprecated?: boolean;
}

/** "States — submit: draft → pending_review (issuer; send to vetting)." for the description. */
export function describeTransitions({ machine, actions }: EndpointTransitions): string {
  for (const action of actions) {
    if (!machine.actions.includes(action)) throw new Error(`${machine.aggregate} has no action ${action}`);
  }
  return `Transitions of the ${machine.aggregate} — ${machine.describe(actions)}.`;
}

/** The tables an operation quotes, as a list (empty when it moves no status). */
export function transitionsOf({ transitions }: Pick<EndpointOptions, 'transitions'>): EndpointTransitions[] {
  if (!transitions) return [];
  return 'machine' in transitions ? [transitions] : [...transitions];
}

/**
 * One decorator for what an operation says about itself in the OpenAPI document — summary,
 * description, the state rows it takes and its declared error codes — in the style of immich's
 * `@Endpoint`. Guards (`@Authenticated`), the success response and the headers it reads stay their
 * own decorators.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const { summary, errors = [], deprecated } = options;
  const transitions = transitionsOf(options);
  const quoted = transitions.map(describeTransitions);
  const description = [options.description, ...quoted].filter(Boolean).join(' ') || undefined;
  return applyDecorators(
    ApiOperation({ summary, description, deprecated }),
    ApiErrors(...errors),
    SetMetadata(ENDPOINT_TRANSITIONS, transitions),
  );
}
