import { ts } from 'ts-morph';
import { isBuiltinMember } from '../fastify-members';
import { nodeAtSpan } from '../facts/parse';
import type { BodyFacts, DecoratorTarget, DecoratorUse } from '../model';
import type { ContextBuilder } from './context-builder';
import type { Interpreter } from './interpreter';
import type { ModuleRecord } from './module-record';
import type { FnValue } from './values';

/** A read (or write) of `<instance>.name` in a plugin function's text, `name` not one of Fastify's own members. */
export interface InstanceMemberRead {
  name: string;
  /** The property name node. */
  node: ts.MemberName;
  /** Guarded (optional chaining, typeof, a condition, under hasDecorator, in a try block). */
  guarded: boolean;
  /** An assignment to the member (`p.x = …`, `delete p.x`, `p.x++`), not a read. */
  write: boolean;
}

const memo = new WeakMap<ts.FunctionLikeDeclaration, InstanceMemberRead[]>();

/**
 * Records the request, reply and `this` (the instance) decorator reads of a handler or hook from
 * its body facts (`BodyFacts.members`), writes marked, guarded reads conditional, Fastify's own members left out.
 * `inHook`: an instance hook, which also runs for the routes of child contexts.
 */
export function recordBodyUses(interp: Interpreter, ctx: ContextBuilder, fn: FnValue, body: BodyFacts | undefined, inHook: boolean): void {
  if (!body) return;
  const reads = bodyReads(fn.node, body);
  if (!reads.length) return;
  const uses = (ctx.ctx.decoratorUses ??= []);
  for (const r of reads) {
    const use: DecoratorUse = { target: r.target, name: r.name, span: r.span };
    if (r.write) use.write = true;
    if (r.guarded || (interp.conditional && !ctx.ctx.conditional)) use.conditional = true;
    if (inHook) use.inHook = true;
    if (!uses.some((u) => u.span.start === use.span.start && u.span.file === use.span.file && u.target === use.target)) uses.push(use);
  }
}

const TARGET_OF: Record<'request' | 'reply' | 'this', DecoratorTarget> = { request: 'request', reply: 'reply', this: 'instance' };
interface BodyRead {
  target: DecoratorTarget;
  name: string;
  span: BodyFacts['members'][number]['span'];
  guarded: boolean;
  write: boolean;
}
const bodyMemo = new WeakMap<BodyFacts, BodyRead[]>();

/** The member reads of body facts that may need a decorator, each classified on its syntax node. */
function bodyReads(fn: ts.FunctionLikeDeclaration, body: BodyFacts): BodyRead[] {
  const hit = bodyMemo.get(body);
  if (hit) return hit;
  const out: BodyRead[] = [];
  bodyMemo.set(body, out);
  const sf = fn.getSourceFile();
  for (const m of body.members) {
    const target = TARGET_OF[m.on];
    if (isBuiltinMember(target, m.name)) continue;
    // The member's name as written: an identifier, or the string of `x['name']`.
    const node = nodeAtSpan(sf, m.span, (n): n is ts.Identifier | ts.StringLiteralLike => ts.isIdentifier(n) || ts.isStringLiteralLike(n));
    if (!node) continue;
    const p = node.parent;
    if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) {
      const write = isWrite(p);
      out.push({ target, name: m.name, span: m.span, guarded: !write && isGuarded(p, fn, m.name), write });
    } else if (ts.isBindingElement(p)) {
      // `const { user = null } = request`: a default tolerates its absence.
      out.push({ target, name: m.name, span: m.span, guarded: !!p.initializer || isGuarded(p, fn, m.name), write: false });
    }
  }
  return out;
}

/**
 * Records the instance decorator reads of a plugin function the interpreter runs in `ctx` (its
 * instance parameter's members that are not Fastify's own). Syntactic and memoised per function.
 */
export function recordInstanceUses(interp: Interpreter, ctx: ContextBuilder, fn: FnValue): void {
  recordReads(interp, ctx, instanceMemberReads(fn.node), fn.module);
}

/** Records the reads of `app.x` where `const app = fastify()` is the call that made this root context. */
export function recordRootUses(interp: Interpreter, ctx: ContextBuilder, call: ts.CallExpression, module: ModuleRecord): void {
  recordReads(interp, ctx, rootInstanceReads(call), module);
}

function recordReads(interp: Interpreter, ctx: ContextBuilder, reads: InstanceMemberRead[], module: ModuleRecord): void {
  if (!reads.length) return;
  const uses = (ctx.ctx.decoratorUses ??= []);
  for (const r of reads) {
    const use: DecoratorUse = { target: 'instance', name: r.name, span: interp.span(r.node, module) };
    if (r.write) use.write = true;
    // A conditional context already says so; a fastify-plugin body under a condition runs in an unconditional one.
    if (r.guarded || (interp.conditional && !ctx.ctx.conditional)) use.conditional = true;
    if (!uses.some((u) => u.span.start === use.span.start && u.span.file === use.span.file)) uses.push(use);
  }
}

/**
 * The reads of `p.x` where `p` is the function's first parameter (a plain identifier), in its
 * body and nested functions, stopping where `p` is declared again. Nothing when the body assigns
 * to `p` (then `p` may be anything). Writes (`p.x = …`, `delete p.x`, `p.x++`) are marked.
 */
export function instanceMemberReads(fn: ts.FunctionLikeDeclaration): InstanceMemberRead[] {
  const cached = memo.get(fn);
  if (cached) return cached;
  const param = fn.parameters[0];
  const out = param && ts.isIdentifier(param.name) && fn.body && !hoistedBinds(fn.body, param.name.text) ? memberReads(fn.body, param.name.text, fn) : [];
  memo.set(fn, out);
  return out;
}

const rootMemo = new WeakMap<ts.CallExpression, InstanceMemberRead[]>();

/**
 * The reads of `app.x` where `const app = fastify(…)` (or `let`, `await` and parentheses allowed)
 * is this call, in the block that declares `app` and the functions inside it.
 */
export function rootInstanceReads(call: ts.CallExpression): InstanceMemberRead[] {
  const cached = rootMemo.get(call);
  if (cached) return cached;
  let out: InstanceMemberRead[] = [];
  let e: ts.Node = call;
  while (ts.isAwaitExpression(e.parent) || ts.isParenthesizedExpression(e.parent) || ts.isAsExpression(e.parent) || ts.isSatisfiesExpression(e.parent) || ts.isNonNullExpression(e.parent)) e = e.parent;
  const decl = e.parent;
  if (ts.isVariableDeclaration(decl) && decl.initializer === e && ts.isIdentifier(decl.name) && decl.parent.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) {
    const statement = decl.parent.parent;
    const scope = statement?.parent;
    if (statement && ts.isVariableStatement(statement) && scope && (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope))) out = memberReads(scope, decl.name.text, scope);
  }
  rootMemo.set(call, out);
  return out;
}

/**
 * The reads of `name.x` under `body` (nested functions included), stopping where `name` is
 * declared again. Nothing when the code assigns to `name` (then it may be anything). Writes
 * (`name.x = …`, `delete name.x`, `name.x++`) are marked. `owner` bounds the guard search.
 */
function memberReads(body: ts.Node, name: string, owner: ts.Node): InstanceMemberRead[] {
  const out: InstanceMemberRead[] = [];
  let assigned = false;
  const visit = (node: ts.Node): void => {
    if (assigned) return;
    if (assignsName(node, name)) {
      assigned = true;
      return;
    }
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isFunctionLike(node) && functionBinds(node as ts.SignatureDeclaration, name)) return;
    if ((ts.isBlock(node) || ts.isCaseBlock(node) || ts.isModuleBlock(node)) && blockBinds(node, name)) return;
    if ((ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
      if (node.initializer.declarations.some((d) => bindingHas(d.name, name))) return;
    }
    if (ts.isCatchClause(node) && node.variableDeclaration && bindingHas(node.variableDeclaration.name, name)) return;
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name && ts.isIdentifier(node.name) && !isBuiltinMember('instance', node.name.text)) {
      const write = isWrite(node);
      out.push({ name: node.name.text, node: node.name, guarded: !write && isGuarded(node, owner, node.name.text), write });
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return assigned ? [] : out;
}

function bindingHas(b: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(b)) return b.text === name;
  return b.elements.some((e) => !ts.isOmittedExpression(e) && bindingHas(e.name, name));
}

/** A nested function that declares the name itself: as a parameter, its own name, or a `var`/function inside. */
function functionBinds(f: ts.SignatureDeclaration, name: string): boolean {
  if (f.parameters.some((p) => bindingHas(p.name, name))) return true;
  if ((ts.isFunctionExpression(f) || ts.isFunctionDeclaration(f) || ts.isClassLike(f)) && f.name && ts.isIdentifier(f.name) && f.name.text === name) return true;
  const body = (f as ts.FunctionLikeDeclaration).body;
  return !!body && hoistedBinds(body, name);
}

/** `var name` or `function name` anywhere in a function body (not inside nested functions): hoisted to its top. */
function hoistedBinds(body: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) {
      if (ts.isFunctionDeclaration(n) && n.name?.text === name) found = true;
      return;
    }
    if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) && n.declarations.some((d) => bindingHas(d.name, name))) found = true;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/** A block whose own statements declare the name with `let`/`const`/`class`/`function`. */
function blockBinds(block: ts.Block | ts.CaseBlock | ts.ModuleBlock, name: string): boolean {
  const statements = ts.isCaseBlock(block) ? block.clauses.flatMap((c) => [...c.statements]) : block.statements;
  return statements.some(
    (s) =>
      (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => bindingHas(d.name, name))) ||
      ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s) || ts.isEnumDeclaration(s)) && s.name?.text === name),
  );
}

/** An assignment to the name itself (`p = …`, `p ||= …`, `p++`, destructuring into it). */
function assignsName(n: ts.Node, name: string): boolean {
  if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) return mentionsTarget(n.left, name);
  return (
    (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
    (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) &&
    ts.isIdentifier(n.operand) &&
    n.operand.text === name
  );
}

function mentionsTarget(left: ts.Expression, name: string): boolean {
  if (ts.isIdentifier(left)) return left.text === name;
  if (ts.isArrayLiteralExpression(left) || ts.isObjectLiteralExpression(left)) {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && n.text === name && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)) found = true;
      else if (!ts.isPropertyAccessExpression(n)) ts.forEachChild(n, visit);
    };
    visit(left);
    return found;
  }
  return false;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isWrite(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): boolean {
  const p = node.parent;
  if (ts.isBinaryExpression(p) && p.left === node && isAssignmentOperator(p.operatorToken.kind)) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  if (ts.isDeleteExpression(p)) return true;
  // A destructuring assignment target (`[p.x] = …`, `({ a: p.x } = …)`): climb the pattern's literals.
  let child: ts.Node = node;
  let n: ts.Node = p;
  while (ts.isArrayLiteralExpression(n) || ts.isObjectLiteralExpression(n) || ts.isPropertyAssignment(n) || ts.isSpreadElement(n) || ts.isSpreadAssignment(n)) {
    child = n;
    n = n.parent;
  }
  return child !== node && ts.isBinaryExpression(n) && n.left === child && n.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

const HAS_DECORATOR = /\bhas(Request|Reply)?Decorator\b/;

/**
 * A read that tolerates an absent member: `p.x?.…`, `typeof p.x`, a read that is (part of) a
 * condition, code under a condition or `&&`/`||`/`??` that tests the name or `hasDecorator`, or
 * a `try` block (a boot error caught there does not stop the app).
 */
function isGuarded(node: ts.Node, fn: ts.Node, member: string): boolean {
  if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && node.questionDotToken) return true;
  const p = node.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) && p.expression === node && p.questionDotToken) return true;
  if (ts.isTypeOfExpression(p)) return true;
  const mentions = (n: ts.Node) => {
    const text = n.getText();
    return HAS_DECORATOR.test(text) || new RegExp(`\\b${member.replace(/[$]/g, '\\$')}\\b`).test(text);
  };
  let child: ts.Node = node;
  for (let a: ts.Node = p; a && a !== fn; child = a, a = a.parent) {
    if (ts.isIfStatement(a) || ts.isWhileStatement(a) || ts.isDoStatement(a)) {
      if (a.expression === child || mentions(a.expression)) return true;
    } else if (ts.isConditionalExpression(a)) {
      if (a.condition === child || mentions(a.condition)) return true;
    } else if (ts.isForStatement(a)) {
      if (a.condition === child || (a.condition && mentions(a.condition))) return true;
    } else if (ts.isBinaryExpression(a)) {
      const op = a.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        if (a.left === child || mentions(a.left)) return true;
      }
      if (op === ts.SyntaxKind.InKeyword || op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) return true;
    } else if (ts.isPrefixUnaryExpression(a) && a.operator === ts.SyntaxKind.ExclamationToken) {
      return true;
    } else if (ts.isTryStatement(a) && a.tryBlock === child) {
      return true;
    } else if (ts.isCaseClause(a) || ts.isSwitchStatement(a)) {
      if (ts.isSwitchStatement(a) && (a.expression === child || mentions(a.expression))) return true;
    }
  }
  return false;
}
