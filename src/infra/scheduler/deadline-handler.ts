import { EntityManager } from 'typeorm';
import { handlerDecorator } from '../queue/discover-handlers';
import { DeadlineSpec } from './deadline-job';

export const DEADLINE_HANDLER = Symbol('deadline-handler');

/**
 * Makes a provider method the handler of one deadline kind:
 * `@OnDeadline('challenge.close') async close(deadline: DueDeadline, em: EntityManager)`.
 * It runs in the transaction that marks the deadline done (write through `em`), only while the
 * deadline is still pending at that due time, so it has its effect once; throwing rolls both back
 * and the job is retried. One handler per kind (checked at worker start); the provider must belong
 * to a module the worker imports.
 */
export const OnDeadline = (kind: string): MethodDecorator => handlerDecorator(DEADLINE_HANDLER, kind);

export type DueDeadline = DeadlineSpec;

export type DeadlineHandlerFn = (deadline: DueDeadline, em: EntityManager) => Promise<unknown>;
