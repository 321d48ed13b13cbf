import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/** The repository root; every path below is relative to it, with forward slashes. */
export const ROOT = resolve(__dirname, '..', '..');

export interface ImportEdge {
  from: string;
  to: string;
  /** `import type …` / `export type … from`: erased at run time. */
  typeOnly: boolean;
  /** Names imported (empty for a namespace or side-effect import). */
  names: string[];
}

export interface SourceFile {
  path: string;
  text: string;
  ast: ts.SourceFile;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
}

let cache: SourceFile[] | undefined;

/** Every production TypeScript file under src/ (specs left out), parsed once per test file. */
export function sourceFiles(): SourceFile[] {
  if (cache) return cache;
  const paths: string[] = [];
  walk(join(ROOT, 'src'), paths);
  cache = paths.map((full) => {
    const text = readFileSync(full, 'utf8');
    return {
      path: relative(ROOT, full).split('\\').join('/'),
      text,
      ast: ts.createSourceFile(full, text, ts.ScriptTarget.ES2022, true),
    };
  });
  return cache;
}

function resolveImport(fromPath: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(ROOT, dirname(fromPath), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    const path = relative(ROOT, candidate).split('\\').join('/');
    if (existsSync(candidate) && path.startsWith('src/')) return path;
  }
  // A migration or other file outside src/ imported by path: not part of the graph.
  return undefined;
}

/** The relative imports of every production file under src/. */
export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles()) {
    for (const statement of file.ast.statements) {
      let specifier: string | undefined;
      let typeOnly = false;
      let names: string[] = [];
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        specifier = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        typeOnly = clause?.isTypeOnly ?? false;
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          const elements = bindings.elements;
          names = elements.map((e) => (e.propertyName ?? e.name).text);
          if (elements.length > 0 && elements.every((e) => e.isTypeOnly)) typeOnly = true;
        }
        if (clause?.name) names.push('default');
      } else if (
        ts.isExportDeclaration(statement) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        specifier = statement.moduleSpecifier.text;
        typeOnly = statement.isTypeOnly;
      }
      if (!specifier) continue;
      const to = resolveImport(file.path, specifier);
      if (to) edges.push({ from: file.path, to, typeOnly, names });
    }
  }
  return edges;
}

/** Strongly connected components with more than one member (Tarjan): the import circles. */
export function cycles(nodes: string[], edges: Array<[string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!indexOf.has(node)) visit(node);
  return found;
}

export interface FunctionSpan {
  path: string;
  name: string;
  lines: number;
}

function nameOf(node: ts.Node): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

/** Every function, method, constructor and arrow function of a file with its length in lines. */
export function functionSpans(file: SourceFile): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body
    ) {
      const start = file.ast.getLineAndCharacterOfPosition(node.getStart(file.ast)).line;
      const end = file.ast.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ path: file.path, name: nameOf(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file.ast);
  return spans;
}
