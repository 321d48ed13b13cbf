import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import {
  cycles,
  functionSpans,
  importEdges,
  ROOT,
  sourceFiles,
  type SourceFile,
} from '../support/source-graph';

/**
 * The shape of the business layer (ADR 0040), walked from the code's own imports: no circle, no
 * arrow from a lower layer to a higher one, modules that touch each other only through what the
 * other exports, no module writing another's rows, services a reader can hold in mind.
 */

/** Layers from the bottom up; the longest matching prefix places a file. */
const LAYERS: Array<[prefix: string, rank: number, name: string]> = [
  ['src/common/errors/', 0, 'kernel'],
  ['src/common/json.ts', 0, 'kernel'],
  ['src/common/timeout.ts', 0, 'kernel'],
  ['src/common/request-context/', 0, 'kernel'],
  ['src/common/state-machine/', 0, 'kernel'],
  ['src/infra/', 1, 'infra'],
  ['src/common/', 2, 'common'],
  ['src/modules/platform/', 3, 'platform'],
  ['src/modules/call/', 4, 'call'],
  ['src/modules/evaluation/', 5, 'evaluation'],
  ['src/modules/delivery/', 6, 'delivery'],
  ['src/modules/transfer/', 7, 'transfer'],
  ['src/modules/outreach/', 8, 'outreach'],
  ['src/', 9, 'composition'],
];

function layerOf(path: string): { rank: number; name: string } {
  const [, rank, name] = LAYERS.filter(([prefix]) => path.startsWith(prefix)).sort(
    (a, b) => b[0].length - a[0].length,
  )[0];
  return { rank, name };
}

/** `src/modules/<phase>/<module>/…` → `<phase>/<module>`; anything else is not a module. */
function moduleOf(path: string): string | undefined {
  const match = /^src\/modules\/([a-z-]+\/[a-z-]+)\//.exec(path);
  return match?.[1];
}

/** Functions and files allowed past the limits, each with the ADR that says why. */
const SIZE_EXCEPTIONS: Record<string, string> = {};

const isEntityFile = (path: string): boolean => path.endsWith('.entity.ts');
const isStateTableFile = (path: string): boolean => /(-status|\.machine)\.ts$/.test(path);

/** The class names a Nest module file lists under `exports`. */
function exportsOfModule(moduleDir: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles().filter((f) => f.path.startsWith(`src/modules/${moduleDir}/`))) {
    if (!file.path.endsWith('.module.ts')) continue;
    const match = /exports:\s*\[([^\]]*)\]/.exec(file.text);
    for (const name of match?.[1].match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) names.add(name);
  }
  return names;
}

/** EntityManager / DataSource methods that take an entity target first. */
const TYPEORM_CALLS = new Set([
  'getRepository',
  'createQueryBuilder',
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'count',
  'countBy',
  'exists',
  'existsBy',
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'increment',
  'decrement',
  'create',
  'merge',
  'from',
  'into',
]);

/** Table name → owning module, from each entity's `@Entity('…')`. */
function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of sourceFiles()) {
    const owner = moduleOf(file.path);
    if (!owner || !isEntityFile(file.path)) continue;
    for (const match of file.text.matchAll(/@Entity\(\s*'([a-z_]+)'/g)) owners.set(match[1], owner);
  }
  return owners;
}

/** An object literal passed to `update(…)` or a query builder's `set(…)`: a status change. */
function isUpdateArgument(node: ts.Node): boolean {
  for (let up: ts.Node | undefined = node.parent; up; up = up.parent) {
    if (ts.isCallExpression(up)) {
      const callee = up.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      return name === 'update' || name === 'set';
    }
    if (ts.isFunctionLike(up)) return false;
  }
  return false;
}

/** The text of every string and template literal of a file (where its SQL lives). */
function literals(file: SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      out.push([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? '));
    }
    ts.forEachChild(node, visit);
  };
  visit(file.ast);
  return out;
}

describe('architecture', () => {
  const edges = importEdges();
  const files = sourceFiles();

  it('has no import circle between files', () => {
    const found = cycles(
      files.map((f) => f.path),
      edges.map((e) => [e.from, e.to]),
    );
    expect(found).toEqual([]);
  });

  it('has no circle between modules', () => {
    const moduleEdges = edges
      .map((e): [string | undefined, string | undefined] => [moduleOf(e.from), moduleOf(e.to)])
      .filter((pair): pair is [string, string] => !!pair[0] && !!pair[1] && pair[0] !== pair[1]);
    const modules = [...new Set(moduleEdges.flat())];
    expect(cycles(modules, moduleEdges)).toEqual([]);
  });

  it('has no arrow from a lower layer to a higher one', () => {
    const upward = edges
      .filter((e) => layerOf(e.from).rank < layerOf(e.to).rank)
      .map((e) => `${e.from} (${layerOf(e.from).name}) → ${e.to} (${layerOf(e.to).name})`);
    expect(upward).toEqual([]);
  });

  it("reaches another module's services and repositories only where that module exports them, and its entities only as types", () => {
    const exported = new Map<string, Set<string>>();
    const bad: string[] = [];
    for (const edge of edges) {
      const from = moduleOf(edge.from);
      const to = moduleOf(edge.to);
      if (!from || !to || from === to) continue;
      if (isEntityFile(edge.to)) {
        if (!edge.typeOnly && !isEntityFile(edge.from)) bad.push(`${edge.from} uses the entity ${edge.to}`);
        continue;
      }
      if (/\.(service|repository)\.ts$/.test(edge.to)) {
        if (!exported.has(to)) exported.set(to, exportsOfModule(to));
        const hidden = edge.names.filter((name) => !exported.get(to)!.has(name));
        if (edge.typeOnly) continue;
        if (hidden.length) bad.push(`${edge.from} imports ${hidden.join(', ')} that ${to} does not export`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("writes no other module's table, and reads one only from a repository", () => {
    const owners = tableOwners();
    const bad: string[] = [];
    for (const file of files) {
      const owner = moduleOf(file.path);
      if (!owner) continue;
      for (const text of literals(file)) {
        // SQL keywords are written in capitals here; prose ("from challenges") is not SQL.
        for (const match of text.matchAll(
          /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|FROM|JOIN)\s+"?([a-z_]+)"?/g,
        )) {
          const table = match[2];
          const tableOwner = owners.get(table);
          if (!tableOwner || tableOwner === owner) continue;
          const writes = !/^(FROM|JOIN)$/i.test(match[1]);
          if (writes) bad.push(`${file.path} writes ${table} (${tableOwner})`);
          else if (!file.path.endsWith('.repository.ts'))
            bad.push(`${file.path} reads ${table} (${tableOwner})`);
        }
      }
    }
    expect([...new Set(bad)]).toEqual([]);
  });

  it("never names another module's table in a TypeORM call (em.getRepository('table'), em.update('table', …))", () => {
    const owners = tableOwners();
    const bad: string[] = [];
    for (const file of files) {
      const owner = moduleOf(file.path);
      if (!owner) continue;
      const constants = new Map<string, string>();
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
          if (ts.isStringLiteral(node.initializer)) constants.set(node.name.text, node.initializer.text);
        }
        const callee = ts.isCallExpression(node) ? node.expression : undefined;
        const method = callee && ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        const first = ts.isCallExpression(node) ? node.arguments[0] : undefined;
        const table =
          first && ts.isStringLiteral(first)
            ? first.text
            : first && ts.isIdentifier(first)
              ? constants.get(first.text)
              : undefined;
        if (table && TYPEORM_CALLS.has(method)) {
          const tableOwner = owners.get(table);
          if (tableOwner && tableOwner !== owner)
            bad.push(`${file.path} reaches ${table} (${tableOwner}) by name`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file.ast);
    }
    expect([...new Set(bad)]).toEqual([]);
  });

  it('changes a status only through a transition table', () => {
    const bad: string[] = [];
    for (const file of files) {
      if (!moduleOf(file.path) || isEntityFile(file.path) || isStateTableFile(file.path)) continue;
      if (/\/dto\//.test(file.path)) continue;
      const visit = (node: ts.Node): void => {
        const line = file.ast.getLineAndCharacterOfPosition(node.getStart(file.ast)).line + 1;
        if (
          ts.isBinaryExpression(node) &&
          node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isPropertyAccessExpression(node.left) &&
          node.left.name.text === 'status' &&
          ts.isStringLiteral(node.right)
        ) {
          bad.push(`${file.path}:${line} sets status = '${node.right.text}'`);
        }
        if (
          ts.isPropertyAssignment(node) &&
          ts.isIdentifier(node.name) &&
          node.name.text === 'status' &&
          ts.isStringLiteral(node.initializer) &&
          isUpdateArgument(node)
        ) {
          bad.push(`${file.path}:${line} updates status: '${node.initializer.text}'`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file.ast);
      for (const text of literals(file)) {
        for (const match of text.matchAll(/\bSET\b[^;]*?\bstatus\s*=\s*'([a-z_]+)'/gi)) {
          bad.push(`${file.path} writes status = '${match[1]}' in SQL`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps every file in src/modules within 500 lines and every function within 60, unless an ADR names it', () => {
    const bad: string[] = [];
    for (const file of files.filter((f) => f.path.startsWith('src/modules/'))) {
      const lines = file.text.split('\n').length;
      if (lines > 500 && !SIZE_EXCEPTIONS[file.path]) bad.push(`${file.path}: ${lines} lines`);
      for (const span of functionSpans(file)) {
        if (span.lines > 60 && !SIZE_EXCEPTIONS[`${span.path}:${span.name}`]) {
          bad.push(`${span.path}:${span.name}: ${span.lines} lines`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('names an ADR for every size exception, and the ADR names the function', () => {
    for (const [where, adr] of Object.entries(SIZE_EXCEPTIONS)) {
      const text = readFileSync(join(ROOT, adr), 'utf8');
      expect(text).toContain(where.split(':').pop()!.split('/').pop()!);
    }
  });
});
