/**
 * The shape of a function as written — its `async` keyword, parameters (and whether the body
 * mentions or calls each), whether it awaits — as plain data for the rules' quick fixes.
 */
import { ts } from 'ts-morph';
import type { FunctionParam, FunctionShape } from '../model';
import type { ModuleRecord } from './module-record';
import type { Interpreter } from './interpreter';

export function functionShape(interp: Interpreter, fn: ts.SignatureDeclaration, module: ModuleRecord): FunctionShape {
  const asyncKeyword = ts.canHaveModifiers(fn) ? ts.getModifiers(fn)?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) : undefined;
  const body = (fn as { body?: ts.Node }).body;
  const runtime = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const params: FunctionParam[] = runtime.map((p) => {
    const name = ts.isIdentifier(p.name) ? p.name.text : undefined;
    const use = name !== undefined && body ? uses(body, name) : { referenced: name === undefined, called: false };
    return { ...(name !== undefined ? { name } : {}), span: interp.span(p, module), ...use };
  });
  const first = fn.parameters[0];
  const parenthesized = !ts.isArrowFunction(fn) || !first || precedingToken(fn, first) === '(';
  const shape: FunctionShape = { params, parenthesized, awaits: body ? awaits(body) : false };
  if (asyncKeyword) shape.asyncSpan = interp.span(asyncKeyword, module);
  return shape;
}

/** The first non-blank character before a parameter: `(` when the list is parenthesized. */
function precedingToken(fn: ts.Node, param: ts.Node): string {
  const text = fn.getSourceFile().text;
  let i = param.getStart() - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] ?? '';
}

/** Whether the body mentions `name` as a value (not a property name), and whether it calls it. */
function uses(body: ts.Node, name: string): { referenced: boolean; called: boolean } {
  let referenced = false;
  let called = false;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && !isPropertyName(n)) {
      referenced = true;
      if (ts.isCallExpression(n.parent) && n.parent.expression === n) called = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return { referenced, called };
}

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || (ts.isMethodDeclaration(p) && p.name === n);
}

/** An `await` or `for await` of the function itself (nested functions have their own). */
function awaits(body: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) {
      found = true;
      return;
    }
    if (ts.isFunctionLike(n)) return;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}
