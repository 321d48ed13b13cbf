import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const HTTP_METHODS = /^(Get|Post|Put|Patch|Delete)\(/;
/** Factories of DomainError and helpers that throw one, by the code they give. */
const STATIC_FACTORIES: Record<string, string> = {
  notFound: 'NOT_FOUND',
  validation: 'VALIDATION_FAILED',
  invalidTransition: 'INVALID_STATE_TRANSITION',
};

/**
 * The DomainError codes each controller handler can reach through its calls (keyed by operationId,
 * `Challenges_update`): a walk of the TypeScript call graph within src/, following every call the
 * checker resolves to a function with a body, collecting `new DomainError('CODE', …)` (or a code
 * typed as a union of literals) and DomainError's factories. An over-approximation: a helper's
 * branches count for every caller. Codes it cannot read (a code computed at run time) come back
 * as `?<text>` so that the test shows them.
 */
export function reachableErrorCodes(): Map<string, Set<string>> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  if (!config) throw new Error('tsconfig.json not readable');
  const program = ts.createProgram(
    config.fileNames.filter((file) => file.startsWith(join(ROOT, 'src') + '/')),
    config.options,
  );
  const checker = program.getTypeChecker();
  const src = join(ROOT, 'src') + '/';
  const memo = new Map<ts.Node, Set<string>>();

  const codesOf = (declaration: ts.SignatureDeclaration, stack: Set<ts.Node>): Set<string> => {
    const cached = memo.get(declaration);
    if (cached) return cached;
    const found = new Set<string>();
    if (stack.has(declaration)) return found;
    stack.add(declaration);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'DomainError') {
        const code = node.arguments?.[0];
        if (code) {
          const type = checker.getTypeAtLocation(code);
          const literals = (type.isUnion() ? type.types : [type]).filter((t) => t.isStringLiteral());
          if (literals.length) literals.forEach((t) => found.add(t.value));
          else found.add(`?${code.getText()}`);
        }
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (
          ts.isPropertyAccessExpression(callee) &&
          callee.expression.getText() === 'DomainError' &&
          STATIC_FACTORIES[callee.name.text]
        ) {
          found.add(STATIC_FACTORIES[callee.name.text]);
        }
        const target = checker.getResolvedSignature(node)?.declaration;
        if (
          target &&
          !ts.isJSDocSignature(target) &&
          'body' in target &&
          target.body &&
          target.getSourceFile().fileName.startsWith(src)
        ) {
          codesOf(target, stack).forEach((code) => found.add(code));
        }
      }
      ts.forEachChild(node, visit);
    };
    if ('body' in declaration && declaration.body) visit(declaration.body);
    stack.delete(declaration);
    memo.set(declaration, found);
    return found;
  };

  const handlers = new Map<string, Set<string>>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(src) || !file.fileName.endsWith('.controller.ts')) continue;
    ts.forEachChild(file, (node) => {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !member.body) continue;
        const decorators = ts.getDecorators(member) ?? [];
        if (!decorators.some((d) => HTTP_METHODS.test(d.expression.getText()))) continue;
        const operationId = `${node.name.text.replace(/Controller$/, '')}_${member.name.getText()}`;
        handlers.set(operationId, codesOf(member, new Set()));
      }
    });
  }
  return handlers;
}
