import 'reflect-metadata';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { API_ERRORS, type DeclaredErrors } from '../../src/common/errors/api-errors';
import {
  describeTransitions,
  ENDPOINT_TRANSITIONS,
  type EndpointTransitions,
} from '../../src/common/openapi/endpoint';
import { STATE_MACHINES } from '../../src/modules/state-machines';
import { OPENAPI_DOCUMENT } from '../support/openapi-probe';

/**
 * Operations that answer 409 INVALID_STATE_TRANSITION but move no status of their own, so they
 * quote no transition table. Each says why.
 */
const MOVES_NO_STATUS: Record<string, string> = {
  // An organization has no state machine: `verified` is a flag, set once (409 when already set).
  Organizations_verify: 'organizations have no transition table',
  // A read: 409 for an admin while the panel is still open.
  ChallengeReview_ranking: 'reads the ranking; 409 guards on the review panel being closed',
  // A read: 409 until the expert declared no conflict on the assignment.
  ReviewAssignments_application: 'reads the application; 409 guards on the assignment being declared',
  // Saves draft scores: the assignment stays `declared` (409 in any other status).
  ReviewAssignments_save: 'saves draft scores; 409 guards on the assignment being declared',
};

interface Handler {
  operationId: string;
  declared?: DeclaredErrors;
  transitions: EndpointTransitions[];
}

function controllerFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return controllerFiles(path);
    return name.endsWith('.controller.ts') ? [path] : [];
  });
}

/**
 * Every route handler of the API's controllers with the metadata `@Endpoint` stored on it, named
 * by the operationId the document builder gives it (`Challenges_submit` for
 * ChallengesController.submit, see buildOpenApiDocument).
 */
function handlers(): Handler[] {
  const found: Handler[] = [];
  for (const file of controllerFiles(join(__dirname, '..', '..', 'src', 'modules'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    for (const exported of Object.values(exports)) {
      if (typeof exported !== 'function' || Reflect.getMetadata(PATH_METADATA, exported) === undefined)
        continue;
      const controller = exported as { name: string; prototype: Record<string, unknown> };
      for (const methodKey of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[methodKey];
        if (methodKey === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        found.push({
          operationId: `${controller.name.replace(/Controller$/, '')}_${methodKey}`,
          declared: Reflect.getMetadata(API_ERRORS, handler) as DeclaredErrors | undefined,
          transitions: (Reflect.getMetadata(ENDPOINT_TRANSITIONS, handler) ?? []) as EndpointTransitions[],
        });
      }
    }
  }
  return found;
}

/** The description of each operation in the committed docs/openapi.json, by operationId. */
function documentedDescriptions(): Map<string, string> {
  const descriptions = new Map<string, string>();
  for (const item of Object.values(OPENAPI_DOCUMENT.paths)) {
    for (const operation of Object.values(item) as Array<{ operationId?: string; description?: string }>) {
      if (operation?.operationId) descriptions.set(operation.operationId, operation.description ?? '');
    }
  }
  return descriptions;
}

describe('OpenAPI descriptions quote the transition tables', () => {
  const all = handlers();
  const moving = all.filter((h) => h.declared?.codes.includes('INVALID_STATE_TRANSITION'));
  const registered = new Set(STATE_MACHINES.map(({ machine }) => machine));

  it('finds the operations that answer 409 INVALID_STATE_TRANSITION', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(moving.length).toBeGreaterThanOrEqual(45);
    for (const operationId of Object.keys(MOVES_NO_STATUS)) {
      expect(moving.map((h) => h.operationId)).toContain(operationId);
    }
  });

  it('every operation that answers INVALID_STATE_TRANSITION quotes the rows it takes (or says why not)', () => {
    const missing = moving
      .filter((h) => h.transitions.length === 0 && !(h.operationId in MOVES_NO_STATUS))
      .map((h) => h.operationId);
    expect(missing).toEqual([]);
    const excusedButQuoting = moving
      .filter((h) => h.transitions.length > 0 && h.operationId in MOVES_NO_STATUS)
      .map((h) => h.operationId);
    expect(excusedButQuoting).toEqual([]);
  });

  it('quotes only registered machines and actions they have, each action with a row', () => {
    const wrong: string[] = [];
    for (const { operationId, transitions } of all) {
      for (const { machine, actions } of transitions) {
        if (!registered.has(machine))
          wrong.push(`${operationId}: ${machine.aggregate} is not in STATE_MACHINES`);
        if (!actions.length) wrong.push(`${operationId}: no action of the ${machine.aggregate}`);
        for (const action of actions) {
          if (!machine.transitions.some((row) => row.action === action))
            wrong.push(`${operationId}: the ${machine.aggregate} has no row for ${action}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('docs/openapi.json carries the rows as the tables say them now (npm run openapi)', () => {
    const descriptions = documentedDescriptions();
    const stale: string[] = [];
    for (const { operationId, transitions } of all) {
      for (const quoted of transitions) {
        const description = descriptions.get(operationId);
        if (description === undefined) stale.push(`${operationId}: not in docs/openapi.json`);
        else if (!description.includes(quoted.machine.describe(quoted.actions)))
          stale.push(`${operationId}: ${describeTransitions(quoted)}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
