import { ts } from 'ts-morph';
import type { BodyFacts, MemberUse, Span } from '../model';

/**
 * Facts about what a handler's or hook's own code does, read syntactically in one walk of its
 * function (nested callbacks included): members used on the request, the reply and `this`,
 * returned values, `console.*` calls and calls that block the event loop, resolved through the
 * file's own imports. Names are scoped as JavaScript scopes them: a nested function or block that
 * declares its own `request` (or `fs`, or `console`) hides the outer one.
 */

/** Which parameters are the request and the reply (0-based, a TypeScript `this` parameter not counted). */
export interface BodyRoles {
  request?: number;
  reply?: number;
}

/** Handler and lifecycle hook roles; `onRequestAbort(request)` has no reply, application hooks neither. */
export const HANDLER_ROLES: BodyRoles = { request: 0, reply: 1 };
export function hookRoles(name: string, kind: 'lifecycle' | 'application' | 'unknown'): BodyRoles {
  if (kind !== 'lifecycle') return {};
  return name === 'onRequestAbort' ? { request: 0 } : HANDLER_ROLES;
}

/** Node modules whose `*Sync` functions block the event loop (`fs/promises` is not one). */
const BLOCKING_MODULES = new Set(['fs', 'child_process', 'crypto', 'zlib']);
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);

type Binding =
  | { kind: 'request' }
  | { kind: 'reply' }
  | { kind: 'console' }
  /** A blocking module's namespace (`import fs from 'fs'`), or one of its exports (`import { readFileSync } from 'fs'`). */
  | { kind: 'module'; module: string; export?: string };

type Names = Map<string, Binding>;

/**
 * Facts per function node and roles: a handler shared by many routes is walked once. The facts
 * read only the function's own syntax tree (and its file's imports), so they hold for as long as
 * the node lives: the Analyzer keeps one cache across updates, and a re-parsed file has new nodes.
 */
export class BodyFactsCache {
  private readonly byNode = new WeakMap<ts.Node, Map<string, BodyFacts>>();

  get(fn: ts.FunctionLikeDeclaration, roles: BodyRoles, file: string): BodyFacts {
    const key = `${roles.request ?? ''}:${roles.reply ?? ''}:${file}`;
    let m = this.byNode.get(fn);
    if (!m) this.byNode.set(fn, (m = new Map()));
    let facts = m.get(key);
    if (!facts) m.set(key, (facts = functionBodyFacts(fn, roles, file)));
    return facts;
  }
}

/** The facts of one function (see the file comment); `file` is the path spans carry. */
export function functionBodyFacts(fn: ts.FunctionLikeDeclaration, roles: BodyRoles, file: string): BodyFacts {
  const sf = fn.getSourceFile();
  const span = (n: ts.Node): Span => {
    const start = n.getStart(sf);
    return { file, start, end: n.getEnd(), line: sf.getLineAndCharacterOfPosition(start).line + 1 };
  };
  const facts: BodyFacts = {
    async: hasModifier(fn, ts.SyntaxKind.AsyncKeyword),
    members: [],
    returnsValue: [],
    returnsAfterSend: [],
    consoleCalls: [],
    blockingCalls: [],
    shadowed: [],
  };

  const member = (on: MemberUse['on'], name: string, nameNode: ts.Node, access: ts.Node) => {
    const use: MemberUse = { on, name, span: span(nameNode) };
    const p = access.parent;
    if (p && ts.isCallExpression(p) && p.expression === access) use.call = { args: p.arguments.map(argKind), argSpans: p.arguments.map(span), span: span(p) };
    if (p && ts.isBinaryExpression(p) && p.left === access && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) use.write = { span: span(p) };
    const reads = use.call || use.write ? [] : subReads(access);
    if (reads.length) use.reads = reads;
    facts.members.push(use);
  };
  /** Members read by an object pattern from the request, the reply or `this`. */
  const patternMembers = (on: MemberUse['on'], pattern: ts.ObjectBindingPattern) => {
    for (const el of pattern.elements) {
      if (el.dotDotDotToken) continue;
      const key = el.propertyName ?? el.name;
      const name = ts.isIdentifier(key) || ts.isStringLiteralLike(key) ? key.text : undefined;
      if (name === undefined) continue;
      const use: MemberUse = { on, name, span: span(key) };
      const reads: string[][] = [];
      if (ts.isObjectBindingPattern(el.name)) patternPaths(el.name, [], reads);
      if (reads.length) use.reads = reads;
      facts.members.push(use);
    }
  };

  // Top scope: the module's imports, then what the function itself declares, then its roles.
  const names: Names = new Map(moduleBindings(sf));
  for (const n of functionScopeNames(fn)) names.delete(n);
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const role = (i: number | undefined, kind: 'request' | 'reply') => {
    const p = i === undefined ? undefined : params[i];
    if (!p || p.dotDotDotToken) return;
    if (ts.isIdentifier(p.name)) {
      names.set(p.name.text, { kind });
      if (kind === 'request') facts.requestParam = p.name.text;
      else facts.replyParam = p.name.text;
    } else if (ts.isObjectBindingPattern(p.name)) patternMembers(kind, p.name);
  };
  role(roles.request, 'request');
  role(roles.reply, 'reply');
  const thisIsInstance = ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn) || (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent));

  interface Env { names: Names; thisTracked: boolean; own: boolean }

  /** A nested scope: the names it declares hide the outer ones. */
  const enter = (env: Env, node: ts.Node, declared: string[], fnScope: boolean): Env => {
    // A scope that declares names gets its own map, so what it binds (`const fs = require('fs')`) stays in it.
    const next = declared.length ? new Map(env.names) : env.names;
    let hidesRole = false;
    for (const n of declared) {
      const b = next.get(n);
      if (b?.kind === 'request' || b?.kind === 'reply') hidesRole = true;
      next.delete(n);
    }
    if (hidesRole) facts.shadowed.push(span(node));
    if (!fnScope) return next === env.names ? env : { ...env, names: next };
    return { names: next, thisTracked: ts.isArrowFunction(node) ? env.thisTracked : false, own: false };
  };

  const bindingOf = (e: ts.Expression, env: Env): Binding | 'this' | undefined => {
    const b = skipOuter(e);
    if (b.kind === ts.SyntaxKind.ThisKeyword) return env.thisTracked ? 'this' : undefined;
    return ts.isIdentifier(b) ? env.names.get(b.text) : undefined;
  };

  /** `require('fs')`, a module binding, or `<module ref>.name`: the module (and export) an expression is. */
  const moduleRef = (e: ts.Expression, env: Env): { module: string; export?: string } | undefined => {
    const x = skipOuter(e);
    const req = requiredModule(x);
    if (req !== undefined) return BLOCKING_MODULES.has(req) ? { module: req } : undefined;
    const b = bindingOf(x, env);
    if (b && b !== 'this' && b.kind === 'module') return b;
    const access = accessName(x);
    if (access) {
      const base = moduleRef(access.object, env);
      if (base && base.export === undefined) return { module: base.module, export: access.name };
    }
    return undefined;
  };

  const isSendStatement = (s: ts.Statement, env: Env): ts.CallExpression | undefined => {
    if (!ts.isExpressionStatement(s)) return undefined;
    let e = skipOuter(s.expression);
    if (ts.isAwaitExpression(e) || ts.isVoidExpression(e)) e = skipOuter(e.expression);
    if (!ts.isCallExpression(e)) return undefined;
    const a = accessName(skipOuter(e.expression));
    return a && a.name === 'send' && rootIsReply(a.object, env) ? e : undefined;
  };
  const rootIsReply = (e: ts.Expression, env: Env): boolean => {
    let x = skipOuter(e);
    for (;;) {
      if (ts.isCallExpression(x)) x = skipOuter(x.expression);
      else if (accessName(x)) x = skipOuter(accessName(x)!.object);
      else break;
    }
    const b = ts.isIdentifier(x) ? env.names.get(x.text) : undefined;
    return b?.kind === 'reply';
  };
  /** The reply itself, a chain on it (`reply.code(201).send(x)`), `undefined` or `void …`: not a value sent after a send. */
  const returnsNoValue = (e: ts.Expression): boolean => {
    const x = skipOuter(e);
    return ts.isVoidExpression(x) || (ts.isIdentifier(x) && x.text === 'undefined');
  };

  const onReturn = (ret: ts.Node, value: ts.Expression, env: Env) => {
    if (returnsNoValue(value)) return;
    facts.returnsValue.push(span(ret));
    const v = skipOuter(value);
    if (rootIsReply(ts.isAwaitExpression(v) ? v.expression : v, env)) return;
    // A send statement before the return in the same or an enclosing statement list runs on every path to it.
    for (let cur: ts.Node = ret; cur !== fn && cur.parent; cur = cur.parent) {
      const list = statementList(cur.parent);
      if (!list) continue;
      const i = list.indexOf(cur as ts.Statement);
      for (let j = i - 1; j >= 0; j--) {
        const send = isSendStatement(list[j], env);
        if (send) {
          facts.returnsAfterSend.push({ ret: span(ret), send: span(send) });
          return;
        }
      }
    }
  };

  const visit = (node: ts.Node, env: Env): void => {
    if (isFunctionLike(node)) {
      const inner = enter(env, node, functionScopeNames(node), true);
      ts.forEachChild(node, (c) => visit(c, inner));
      return;
    }
    let here = env;
    const lexical = blockScopeNames(node);
    if (lexical.length) here = enter(env, node, lexical, false);

    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const a = accessName(node);
      const b = a && bindingOf(node.expression, here);
      if (a && b) {
        const on = b === 'this' ? 'this' : b.kind === 'request' || b.kind === 'reply' ? b.kind : undefined;
        if (on) member(on, a.name, a.nameNode, node);
      }
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      const b = bindingOf(node.initializer, here);
      if (ts.isObjectBindingPattern(node.name) && b) {
        const on = b === 'this' ? 'this' : b.kind === 'request' || b.kind === 'reply' ? b.kind : undefined;
        if (on) patternMembers(on, node.name);
      }
      const ref = moduleRef(node.initializer, here);
      if (ref) bindModule(here.names, node.name, ref);
    } else if (ts.isCallExpression(node)) {
      const callee = skipOuter(node.expression);
      const a = accessName(callee);
      if (a && CONSOLE_METHODS.has(a.name) && ts.isIdentifier(skipOuter(a.object)) && here.names.get((skipOuter(a.object) as ts.Identifier).text)?.kind === 'console') {
        facts.consoleCalls.push(span(node));
      }
      const ref = moduleRef(callee, here);
      if (ref?.export && /Sync$/.test(ref.export)) facts.blockingCalls.push({ name: `${ref.module}.${ref.export}`, span: span(node) });
    } else if (ts.isReturnStatement(node) && here.own && node.expression) {
      onReturn(node, node.expression, here);
    }
    ts.forEachChild(node, (c) => visit(c, here));
  };

  const top: Env = { names, thisTracked: thisIsInstance, own: true };
  for (const p of fn.parameters) visit(p, top);
  if (fn.body) {
    if (ts.isBlock(fn.body)) {
      // The body block shares the function's scope (its names are already in `functionScopeNames`).
      for (const s of fn.body.statements) visit(s, top);
    } else {
      visit(fn.body, top);
      onReturn(fn.body, fn.body as ts.Expression, top);
    }
  }
  return facts;
}

/** `import fs from 'fs'`, `import { readFileSync as r } from 'node:fs'`, `const cp = require('child_process')`… at the module's top level; and the global `console` unless the module declares its own. */
const MODULE_BINDINGS = new WeakMap<ts.SourceFile, Names>();
function moduleBindings(sf: ts.SourceFile): Names {
  const hit = MODULE_BINDINGS.get(sf);
  if (hit) return hit;
  const out: Names = new Map([['console', { kind: 'console' }]]);
  const blocking = (spec: ts.Expression | undefined) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return undefined;
    const m = spec.text.replace(/^node:/, '');
    return BLOCKING_MODULES.has(m) ? m : undefined;
  };
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      const m = blocking(s.moduleSpecifier);
      if (clause) {
        for (const n of importedNames(clause)) out.delete(n);
        if (!m || clause.isTypeOnly) continue;
        if (clause.name) out.set(clause.name.text, { kind: 'module', module: m });
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, { kind: 'module', module: m });
        else if (nb) {
          for (const el of nb.elements) {
            if (el.isTypeOnly) continue;
            const exported = (el.propertyName ?? el.name).text;
            out.set(el.name.text, exported === 'default' ? { kind: 'module', module: m } : { kind: 'module', module: m, export: exported });
          }
        }
      }
    } else if (ts.isImportEqualsDeclaration(s)) {
      out.delete(s.name.text);
      const ref = s.moduleReference;
      const m = ts.isExternalModuleReference(ref) ? blocking(ref.expression) : undefined;
      if (m && !s.isTypeOnly) out.set(s.name.text, { kind: 'module', module: m });
    } else {
      for (const n of statementNames(s, true)) out.delete(n);
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          if (!d.initializer) continue;
          const ref = topModuleRef(d.initializer, out);
          if (ref) bindModule(out, d.name, ref);
        }
      }
    }
  }
  MODULE_BINDINGS.set(sf, out);
  return out;
}

/** `require('fs')`, `require('fs').readFileSync`, or a module binding's member, at the top level. */
function topModuleRef(e: ts.Expression, names: Names): { module: string; export?: string } | undefined {
  const x = skipOuter(e);
  const req = requiredModule(x);
  if (req !== undefined) return BLOCKING_MODULES.has(req) ? { module: req } : undefined;
  if (ts.isIdentifier(x)) {
    const b = names.get(x.text);
    return b?.kind === 'module' ? b : undefined;
  }
  const a = accessName(x);
  if (!a) return undefined;
  const base = topModuleRef(a.object, names);
  return base && base.export === undefined ? { module: base.module, export: a.name } : undefined;
}

/** Binds `const fs = <module>` or `const { readFileSync: r } = <module>` in `names`. */
function bindModule(names: Names, name: ts.BindingName, ref: { module: string; export?: string }): void {
  if (ts.isIdentifier(name)) {
    names.set(name.text, ref.export === undefined ? { kind: 'module', module: ref.module } : { kind: 'module', module: ref.module, export: ref.export });
    return;
  }
  if (!ts.isObjectBindingPattern(name) || ref.export !== undefined) return;
  for (const el of name.elements) {
    if (el.dotDotDotToken || !ts.isIdentifier(el.name)) continue;
    const key = el.propertyName ?? el.name;
    if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) {
      names.set(el.name.text, key.text === 'default' ? { kind: 'module', module: ref.module } : { kind: 'module', module: ref.module, export: key.text });
    }
  }
}

/** The module a `require('x')` call names (without `node:`). */
function requiredModule(e: ts.Expression): string | undefined {
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'require' || e.arguments.length !== 1) return undefined;
  const a = e.arguments[0];
  return ts.isStringLiteralLike(a) ? a.text.replace(/^node:/, '') : undefined;
}

/**
 * The property paths read from the value of `access` (see `MemberUse.reads`): the chain of
 * accesses on it (a called last name left out), then an object pattern it initialises.
 */
function subReads(access: ts.Node): string[][] {
  const path: string[] = [];
  let top = access;
  for (;;) {
    let p = top.parent;
    while (p && (ts.isParenthesizedExpression(p) || ts.isNonNullExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) {
      top = p;
      p = p.parent;
    }
    const a = p && accessName(p);
    if (!a || a.object !== top) break;
    if (p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p) break;
    path.push(a.name);
    top = p;
  }
  const decl = top.parent;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer === top && ts.isObjectBindingPattern(decl.name)) {
    const out: string[][] = [];
    patternPaths(decl.name, path, out);
    if (out.length) return out;
  }
  return path.length ? [path] : [];
}

/** The property paths an object pattern reads, after `prefix`; a rest element reads nothing named. */
function patternPaths(pattern: ts.ObjectBindingPattern, prefix: string[], out: string[][]): void {
  for (const el of pattern.elements) {
    if (el.dotDotDotToken) continue;
    const key = el.propertyName ?? el.name;
    const name = ts.isIdentifier(key) || ts.isStringLiteralLike(key) || ts.isNumericLiteral(key) ? key.text : undefined;
    if (name === undefined) continue;
    const before = out.length;
    if (ts.isObjectBindingPattern(el.name)) patternPaths(el.name, [...prefix, name], out);
    if (out.length === before) out.push([...prefix, name]);
  }
}

/** `x.name`, `x?.name`, `x['name']`: the object, the name and the node that writes the name. */
function accessName(e: ts.Node): { object: ts.Expression; name: string; nameNode: ts.Node } | undefined {
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name)) return { object: e.expression, name: e.name.text, nameNode: e.name };
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return { object: e.expression, name: e.argumentExpression.text, nameNode: e.argumentExpression };
  return undefined;
}

/** Parentheses, `x!`, `x as T`, `<T>x` and `x satisfies T` change nothing at run time. */
function skipOuter(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

function argKind(a: ts.Expression): 'number' | 'string' | 'object' | 'function' | 'other' {
  const x = skipOuter(a);
  if (ts.isNumericLiteral(x) || (ts.isPrefixUnaryExpression(x) && ts.isNumericLiteral(x.operand))) return 'number';
  if (ts.isStringLiteralLike(x) || ts.isTemplateExpression(x)) return 'string';
  if (ts.isObjectLiteralExpression(x) || ts.isArrayLiteralExpression(x)) return 'object';
  if (ts.isArrowFunction(x) || ts.isFunctionExpression(x)) return 'function';
  return 'other';
}

function isFunctionLike(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
}

function bindingNames(name: ts.BindingName, out: string[]): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
  return out;
}

function importedNames(clause: ts.ImportClause): string[] {
  const out: string[] = clause.name ? [clause.name.text] : [];
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) out.push(nb.name.text);
  else if (nb) for (const el of nb.elements) out.push(el.name.text);
  return out;
}

/** Names a statement declares in its own scope: let/const/class/function (and `var` when `withVar`). */
function statementNames(s: ts.Node, withVar: boolean): string[] {
  const out: string[] = [];
  if (ts.isVariableStatement(s)) {
    const lexical = (s.declarationList.flags & ts.NodeFlags.BlockScoped) !== 0;
    if (lexical || withVar) for (const d of s.declarationList.declarations) bindingNames(d.name, out);
  } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) out.push(s.name.text);
  return out;
}

/** The names a block-like node declares for itself: a block's let/const/class/function, a `for (let …)`, a `catch (e)`. */
function blockScopeNames(n: ts.Node): string[] {
  const list = ts.isBlock(n) ? n.statements : ts.isCaseBlock(n) ? n.clauses.flatMap((c) => [...c.statements]) : undefined;
  if (list) return list.flatMap((s) => statementNames(s, false));
  if ((ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer) && n.initializer.flags & ts.NodeFlags.BlockScoped) {
    return n.initializer.declarations.flatMap((d) => bindingNames(d.name, []));
  }
  if (ts.isCatchClause(n) && n.variableDeclaration) return bindingNames(n.variableDeclaration.name, []);
  return [];
}

/** What a function's scope declares: its parameters, its own name (a function expression), its `var`s and its body's let/const/function. */
function functionScopeNames(fn: ts.FunctionLikeDeclaration): string[] {
  const out: string[] = [];
  for (const p of fn.parameters) bindingNames(p.name, out);
  if (ts.isFunctionExpression(fn) && fn.name) out.push(fn.name.text);
  if (!fn.body || !ts.isBlock(fn.body)) return out;
  for (const s of fn.body.statements) out.push(...statementNames(s, false));
  const vars = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) for (const d of n.declarations) bindingNames(d.name, out);
    ts.forEachChild(n, vars);
  };
  ts.forEachChild(fn.body, vars);
  return out;
}

/** The statement list a node is a direct member of (a block, a case clause), else undefined. */
function statementList(parent: ts.Node): readonly ts.Statement[] | undefined {
  if (ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) return parent.statements;
  return undefined;
}
