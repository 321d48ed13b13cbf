import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reachableErrorCodes } from '../support/error-paths';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface Operation {
  operationId?: string;
  responses?: Record<string, { $ref?: string; 'x-error-codes'?: string[] }>;
}

/** Every code docs/openapi.json documents for each operation, by operationId. */
function documentedCodes(): Map<string, Set<string>> {
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { responses?: Record<string, { 'x-error-codes'?: string[] }> };
  };
  const byOperation = new Map<string, Set<string>>();
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const codes = Object.values(operation.responses ?? {}).flatMap((response) => {
        const shared = response.$ref
          ? document.components.responses?.[response.$ref.split('/').pop() as string]
          : response;
        return shared?.['x-error-codes'] ?? [];
      });
      byOperation.set(operation.operationId, new Set(codes));
    }
  }
  return byOperation;
}

describe('declared error codes (ADR 0038)', () => {
  it('document every DomainError code a handler can reach through its calls', () => {
    const documented = documentedCodes();
    const reachable = reachableErrorCodes();
    expect(reachable.size).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const [operationId, codes] of reachable) {
      const declared = documented.get(operationId);
      if (!declared) {
        missing.push(`${operationId}: not in docs/openapi.json`);
        continue;
      }
      const undeclared = [...codes].filter((code) => !declared.has(code));
      if (undeclared.length) missing.push(`${operationId}: ${undeclared.join(', ')} (add to @ApiErrors)`);
    }
    expect(missing).toEqual([]);
  }, 120_000);
});
