import * as posix from 'node:path/posix';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import type { Span } from '../model';
import { construct, initialise, makeClass } from './classes';
import { callBuiltin, globalValue, memberOfBuiltin, newBuiltin, pathOfFileUrl } from './builtins';
import { callInstanceMethod, instanceMember } from './instance-api';
import { envSchemaMember, envValue } from './dotenv';
import type { Linker } from './linker';
import type { ModuleRecord } from './module-record';
import { Scope } from './scope';
import { barrier, stamp } from './replay/ownership';
import { binaryOp, compoundOperator, sameValue, typeOfValue } from './operators';
import { callStringMethod, callArrayMethod, callCollectionMethod, callObjectStatic, collectionSize } from './std-methods';
import {
  NULL, UNDEF, arr, asString, bool, getProp, isAssumed, isNullish, iterableItems, num, obj, primitive, str, truthy, unknown, unwrapPromise,
  type ArrValue, type FnValue, type ObjValue, type UnknownValue, type Value,
} from './values';

type Completion = undefined | { type: 'return'; value: Value } | { type: 'break' | 'continue'; label?: string };

const MAX_CALL_DEPTH = 60;
const MAX_PLUGIN_DEPTH = 100;
const MAX_LOOP_ITERATIONS = 2000;
/**
 * Iterations one loop may run over the whole analysis, all its runs together: a loop that calls
 * the function it is in (a recursive walk whose loop never ends, as half-typed code makes one)
 * would otherwise run MAX_LOOP_ITERATIONS at every level of the recursion.
 */
const MAX_LOOP_ITERATIONS_TOTAL = 10000;
const MAX_WALK_RECURSION = 16;

/**
 * A small abstract interpreter over the TypeScript AST. It runs nothing: it walks the code a
 * Fastify app would run at boot, tracking constants, objects, functions and instances, so that
 * register(), routes, hooks and decorators reached through helpers, factories, loops and
 * imports are found the way Fastify would find them.
 */
export class Interpreter {
  private depth = 0;
  private readonly callStack: ts.Node[] = [];
  /** The first argument of each call on the stack when it is a known string (a folder a walk recurses into). */
  private readonly callKeys: (string | undefined)[] = [];

  /** Runs `fn`; if it throws (a stack overflow on absurd code), puts the interpreter back as it was and rethrows. */
  guarded(fn: () => void): void {
    const saved = { uncertain: this.uncertain, conditionalCalls: this.conditionalCalls, depth: this.depth, calls: this.callStack.length, queues: this.loadQueues.length };
    try {
      fn();
    } catch (err) {
      this.uncertain = saved.uncertain;
      this.conditionalCalls = saved.conditionalCalls;
      this.depth = saved.depth;
      this.callStack.length = saved.calls;
      this.callKeys.length = saved.calls;
      this.loadQueues.length = saved.queues;
      throw err;
    }
  }

  /** avvio's queues: plugins registered while a plugin body runs load after that body, in order. */
  private readonly loadQueues: (() => void)[][] = [];

  constructor(readonly linker: Linker) {}

  /** Runs a plugin body (or a module's top level), then loads what it registered, depth first. */
  load(body: () => void): void {
    if (this.loadQueues.length >= MAX_PLUGIN_DEPTH) {
      this.linker.reportAt(undefined, `plugins nested deeper than ${MAX_PLUGIN_DEPTH} levels: not followed further`);
      return;
    }
    this.loadQueues.push([]);
    let queue: (() => void)[];
    try {
      body();
    } finally {
      queue = this.loadQueues.pop()!;
    }
    for (const child of queue) this.load(child);
  }

  /** register(): queued behind the running plugin body, like avvio; immediate with no body running. */
  enqueue(loadPlugin: () => void): void {
    const queue = this.loadQueues[this.loadQueues.length - 1];
    if (queue) queue.push(loadPlugin);
    else this.load(loadPlugin);
  }

  /** `await register()`, `after()` and `ready()` load everything queued so far. */
  flushQueue(): void {
    const queue = this.loadQueues[this.loadQueues.length - 1];
    while (queue && queue.length) this.load(queue.shift()!);
  }

  // ---- statements -------------------------------------------------------------------------

  execBlock(statements: readonly ts.Statement[], scope: Scope): Completion {
    this.hoist(statements, scope);
    let pendingReturn: Completion;
    // After a return or throw under a run-time condition, the rest of the block may not run.
    let maybeEnded = 0;
    try {
      for (const st of statements) {
        const c = this.exec(st, scope);
        if (this.restConditional) {
          this.restConditional = false;
          this.uncertain++;
          maybeEnded++;
        }
        if (c) {
          if (c.type === 'return' && this.uncertain > 0) {
            pendingReturn ??= c;
            continue;
          }
          return c;
        }
      }
      return pendingReturn;
    } finally {
      this.uncertain -= maybeEnded;
    }
  }

  /** Set by an `if` on a run-time condition whose one branch returns or throws: the rest of its block is conditional. */
  private restConditional = false;

  /** >0 while executing a branch that may not run (unknown condition): returns do not end the block. */
  private uncertain = 0;
  /** Iterations each loop statement ran so far, over all its runs (MAX_LOOP_ITERATIONS_TOTAL). */
  private readonly loopIterations = new Map<ts.Node, number>();
  private readonly loopsStopped = new Set<ts.Node>();

  /** True while the code being followed runs only under a condition known at run time. */
  get conditional(): boolean {
    return this.uncertain > 0 || this.conditionalCalls > 0;
  }

  /** Calls made from a conditional branch keep their body conditional too. */
  private conditionalCalls = 0;

  /** Runs a plugin registered under a condition: what it declares is conditional too. */
  conditionally(fn: () => void): void {
    this.conditionalCalls++;
    try {
      fn();
    } finally {
      this.conditionalCalls--;
    }
  }

  private hoist(statements: readonly ts.Statement[], scope: Scope): void {
    for (const st of statements) {
      if (ts.isFunctionDeclaration(st) && st.name && st.body) {
        scope.declare(st.name.text, this.makeFunction(st, scope));
      }
    }
  }

  exec(st: ts.Statement, scope: Scope): Completion {
    if (!this.linker.tick(st, scope.module)) return { type: 'return', value: unknown('analysis budget exceeded') };
    switch (st.kind) {
      case ts.SyntaxKind.ExpressionStatement:
        this.eval((st as ts.ExpressionStatement).expression, scope);
        return undefined;
      case ts.SyntaxKind.VariableStatement:
        this.declareList((st as ts.VariableStatement).declarationList, scope);
        return undefined;
      case ts.SyntaxKind.ReturnStatement: {
        const e = (st as ts.ReturnStatement).expression;
        return { type: 'return', value: e ? this.eval(e, scope) : UNDEF };
      }
      case ts.SyntaxKind.IfStatement:
        return this.execIf(st as ts.IfStatement, scope);
      case ts.SyntaxKind.Block:
        return this.execBlock((st as ts.Block).statements, new Scope(scope, scope.module));
      case ts.SyntaxKind.TryStatement: {
        const t = st as ts.TryStatement;
        const c = this.execBlock(t.tryBlock.statements, new Scope(scope, scope.module));
        if (t.catchClause) {
          const cs = new Scope(scope, scope.module);
          const v = t.catchClause.variableDeclaration;
          if (v) this.bindPattern(v.name, unknown('caught error'), cs);
          this.uncertain++;
          this.execBlock(t.catchClause.block.statements, cs);
          this.uncertain--;
        }
        if (t.finallyBlock) {
          const f = this.execBlock(t.finallyBlock.statements, new Scope(scope, scope.module));
          if (f) return f;
        }
        return c;
      }
      case ts.SyntaxKind.ForOfStatement:
        return this.execForOf(st as ts.ForOfStatement, scope);
      case ts.SyntaxKind.ForInStatement:
        return this.execForIn(st as ts.ForInStatement, scope);
      case ts.SyntaxKind.ForStatement:
        return this.execFor(st as ts.ForStatement, scope);
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        return this.execWhile(st as ts.WhileStatement | ts.DoStatement, scope);
      case ts.SyntaxKind.SwitchStatement:
        return this.execSwitch(st as ts.SwitchStatement, scope);
      case ts.SyntaxKind.LabeledStatement:
        return this.exec((st as ts.LabeledStatement).statement, scope);
      case ts.SyntaxKind.BreakStatement:
        return { type: 'break' };
      case ts.SyntaxKind.ContinueStatement:
        return { type: 'continue' };
      case ts.SyntaxKind.ThrowStatement:
        this.eval((st as ts.ThrowStatement).expression, scope);
        return this.uncertain > 0 ? undefined : { type: 'return', value: unknown('throws') };
      case ts.SyntaxKind.ClassDeclaration: {
        const c = st as ts.ClassDeclaration;
        if (c.name) scope.declare(c.name.text, makeClass(this, c, scope));
        return undefined;
      }
      case ts.SyntaxKind.ExportAssignment: {
        const ea = st as ts.ExportAssignment;
        const v = this.eval(ea.expression, scope);
        if (ea.isExportEquals) {
          barrier.write(scope.module.moduleObj);
          scope.module.moduleObj.props.set('exports', v);
        }
        else scope.module.esmExports.set('default', () => v);
        return undefined;
      }
      case ts.SyntaxKind.EnumDeclaration: {
        const en = st as ts.EnumDeclaration;
        scope.declare(en.name.text, this.evalEnum(en, scope));
        return undefined;
      }
      default:
        // Functions are hoisted; imports, exports, types and interfaces are handled by the module loader.
        return undefined;
    }
  }

  private evalEnum(en: ts.EnumDeclaration, scope: Scope): ObjValue {
    const o = obj();
    let next = 0;
    for (const m of en.members) {
      const name = propertyName(m.name, this, scope);
      let v: Value = num(next);
      if (m.initializer) v = this.eval(m.initializer, scope);
      if (v.kind === 'num') next = v.v + 1;
      if (name !== undefined) o.props.set(name, v);
    }
    return o;
  }

  private execIf(st: ts.IfStatement, scope: Scope): Completion {
    const cond = truthy(this.eval(st.expression, scope));
    if (cond === true) return this.exec(st.thenStatement, scope);
    if (cond === false) return st.elseStatement ? this.exec(st.elseStatement, scope) : undefined;
    this.uncertain++;
    const a = this.exec(st.thenStatement, scope);
    const b = st.elseStatement ? this.exec(st.elseStatement, scope) : undefined;
    this.uncertain--;
    if (a?.type === 'return' && b?.type === 'return') return a;
    const exits = a?.type === 'return' || b?.type === 'return' || endsAbruptly(st.thenStatement) || (!!st.elseStatement && endsAbruptly(st.elseStatement));
    if (exits && this.uncertain === 0 && st.parent && (ts.isBlock(st.parent) || ts.isSourceFile(st.parent) || ts.isCaseOrDefaultClause(st.parent))) {
      this.restConditional = true;
    }
    if (a?.type === 'return' || b?.type === 'return') {
      // One branch returns: the rest of the block may still run. Keep the value for callers.
      return this.uncertain > 0 ? (a ?? b) : undefined;
    }
    return undefined;
  }

  private loopBody(body: ts.Statement, scope: Scope): Completion | 'break' {
    const c = this.exec(body, scope);
    if (!c) return undefined;
    if (c.type === 'break') return 'break';
    if (c.type === 'continue') return undefined;
    return c;
  }

  private execForOf(st: ts.ForOfStatement, scope: Scope): Completion {
    const it = unwrapPromise(this.eval(st.expression, scope));
    const items = iterate(it);
    const run = (item: Value): Completion | 'break' => {
      const s = new Scope(scope, scope.module);
      this.bindForInitializer(st.initializer, item, s);
      return this.loopBody(st.statement, s);
    };
    if (!items) {
      this.uncertain++;
      const c = run(unknown('item of a collection that is not known statically', st.expression, scope.module));
      this.uncertain--;
      return c === 'break' ? undefined : c;
    }
    const allowed = this.loopAllowance(st, scope);
    let i = 0;
    try {
      for (const item of items.slice(0, allowed)) {
        i++;
        const c = run(item);
        if (c === 'break') break;
        if (c) return c;
      }
    } finally {
      this.loopSpend(st, i);
    }
    return undefined;
  }

  private execForIn(st: ts.ForInStatement, scope: Scope): Completion {
    const o = this.eval(st.expression, scope);
    const keys = o.kind === 'obj' && !o.partial ? [...o.props.keys()] : o.kind === 'arr' && !o.partial ? o.items.map((_, i) => String(i)) : undefined;
    const allowed = this.loopAllowance(st, scope);
    let i = 0;
    try {
      for (const k of (keys ?? ['']).slice(0, allowed)) {
        i++;
        const s = new Scope(scope, scope.module);
        this.bindForInitializer(st.initializer, keys ? str(k) : unknown('key'), s);
        const c = this.loopBody(st.statement, s);
        if (c === 'break') break;
        if (c) return c;
      }
    } finally {
      this.loopSpend(st, i);
    }
    return undefined;
  }

  private bindForInitializer(init: ts.ForInitializer, item: Value, s: Scope): void {
    if (ts.isVariableDeclarationList(init)) {
      for (const d of init.declarations) this.bindPattern(d.name, item, s);
    } else {
      this.assignTo(init, item, s);
    }
  }

  private execFor(st: ts.ForStatement, scope: Scope): Completion {
    const s = new Scope(scope, scope.module);
    if (st.initializer) {
      if (ts.isVariableDeclarationList(st.initializer)) this.declareList(st.initializer, s);
      else this.eval(st.initializer, s);
    }
    const test = () => (st.condition ? truthy(this.eval(st.condition, s)) : undefined);
    return this.loop(test, st.statement, s, () => st.incrementor && this.eval(st.incrementor, s));
  }

  private execWhile(st: ts.WhileStatement | ts.DoStatement, scope: Scope): Completion {
    return this.loop((i) => (ts.isDoStatement(st) && i === 0 ? true : truthy(this.eval(st.expression, scope))), st.statement, scope);
  }

  /** Runs a loop while its condition is known true (bounded); an unknown condition runs the body once, as a maybe. */
  private loop(test: (i: number) => boolean | undefined, body: ts.Statement, scope: Scope, step?: () => void): Completion {
    const allowed = this.loopAllowance(body.parent, scope);
    let i = 0;
    try {
      for (; i < allowed; i++) {
        const cond = test(i);
        if (cond === false) break;
        if (cond === undefined) this.uncertain++;
        const c = this.loopBody(body, new Scope(scope, scope.module));
        if (cond === undefined) this.uncertain--;
        if (c === 'break') break;
        if (c) return c;
        if (cond === undefined) break;
        step?.();
      }
    } finally {
      this.loopSpend(body.parent, i);
    }
    return undefined;
  }

  /** How many iterations a loop may run now: MAX_LOOP_ITERATIONS, less what its earlier runs spent of its total. */
  private loopAllowance(loop: ts.Node, scope: Scope): number {
    const left = MAX_LOOP_ITERATIONS_TOTAL - (this.loopIterations.get(loop) ?? 0);
    if (left <= 0 && !this.loopsStopped.has(loop)) {
      this.loopsStopped.add(loop);
      this.linker.runs?.fail('a loop stopped');
      this.linker.reportAt(this.span(loop, scope.module), `loop stopped after ${MAX_LOOP_ITERATIONS_TOTAL} iterations over all its runs (a loop the analysis cannot bound, in a function that calls itself): what later runs declare is not seen`);
    }
    return Math.max(0, Math.min(MAX_LOOP_ITERATIONS, left));
  }

  private loopSpend(loop: ts.Node, iterations: number): void {
    const before = this.loopIterations.get(loop) ?? 0;
    this.linker.runs?.loopRun(loop, before, iterations);
    this.linker.frames.loop(loop, iterations);
    this.loopIterations.set(loop, before + iterations);
  }

  /** Iterations a loop ran so far (replay/plugin-runs.ts). */
  loopCount(loop: ts.Node): number {
    return this.loopIterations.get(loop) ?? 0;
  }

  /**
   * Whether adding `loops` (a kept module's iterations) leaves every run of those loops its full
   * allowance, as when they ran: no cap would have stopped one.
   */
  loopsFit(loops: ReadonlyMap<ts.Node, number>): boolean {
    for (const [loop, n] of loops) if (this.loopCount(loop) + n > MAX_LOOP_ITERATIONS_TOTAL - MAX_LOOP_ITERATIONS) return false;
    return true;
  }

  /** Iterations of a replayed run's loop. */
  addLoop(loop: ts.Node, iterations: number): void {
    this.loopIterations.set(loop, this.loopCount(loop) + iterations);
  }

  /**
   * Runs `fn` (a module's top level) outside the calls that required it, as Node runs a module's
   * top level: no call depth or call stack of theirs (a conditional branch that required it still
   * makes what it declares conditional).
   */
  atModuleTop(fn: () => void): void {
    const depth = this.depth;
    const calls = this.callStack.splice(0);
    const keys = this.callKeys.splice(0);
    this.depth = 0;
    try {
      fn();
    } finally {
      this.depth = depth;
      this.callStack.length = 0;
      this.callKeys.length = 0;
      this.callStack.push(...calls);
      this.callKeys.push(...keys);
    }
  }

  /** What a module's top level depends on in the interpreter's state (it runs outside the calls that required it: `atModuleTop`). */
  moduleState(): unknown[] {
    return [this.uncertain, this.conditionalCalls];
  }

  /** What a plugin run's result depends on in the interpreter's state when it begins (replay/plugin-runs.ts). */
  runState(): unknown[] {
    return [this.uncertain, this.conditionalCalls, this.depth, this.loadQueues.length, ...this.callStack, '|', ...this.callKeys];
  }

  private execSwitch(st: ts.SwitchStatement, scope: Scope): Completion {
    const value = this.eval(st.expression, scope);
    // An assumed value (an example file's) picks no case: every clause is conditional.
    const v = isAssumed(value) ? undefined : primitive(value);
    const s = new Scope(scope, scope.module);
    let matched = -1;
    if (v) {
      st.caseBlock.clauses.forEach((c, i) => {
        if (matched < 0 && ts.isCaseClause(c)) {
          const cv = primitive(this.eval(c.expression, s));
          if (cv && cv.value === v.value) matched = i;
        }
      });
      if (matched < 0) matched = st.caseBlock.clauses.findIndex((c) => ts.isDefaultClause(c));
      if (matched < 0) return undefined;
      for (const clause of st.caseBlock.clauses.slice(matched)) {
        const c = this.execBlock(clause.statements, s);
        if (c?.type === 'break') return undefined;
        if (c) return c;
      }
      return undefined;
    }
    this.uncertain++;
    for (const clause of st.caseBlock.clauses) {
      const c = this.execBlock(clause.statements, new Scope(s, s.module));
      if (c?.type === 'return') {
        this.uncertain--;
        return this.uncertain > 0 ? c : undefined;
      }
    }
    this.uncertain--;
    return undefined;
  }

  declareList(list: ts.VariableDeclarationList, scope: Scope): void {
    for (const d of list.declarations) {
      const v = d.initializer ? this.eval(d.initializer, scope) : UNDEF;
      this.bindPattern(d.name, v, scope);
    }
  }

  bindPattern(name: ts.BindingName, v: Value, scope: Scope): void {
    if (ts.isIdentifier(name)) {
      scope.declare(name.text, v);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      const used = new Set<string>();
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          const rest = obj(undefined, v.kind !== 'obj' || v.partial);
          if (v.kind === 'obj') for (const [k, pv] of v.props) if (!used.has(k)) rest.props.set(k, pv);
          this.bindPattern(el.name, rest, scope);
          continue;
        }
        const key = el.propertyName ? propertyName(el.propertyName, this, scope) : ts.isIdentifier(el.name) ? el.name.text : undefined;
        if (key === undefined) {
          this.bindPattern(el.name, unknown(), scope);
          continue;
        }
        used.add(key);
        let pv = v.kind === 'builtin' && v.name === 'process.env' && !v.props?.has(key) ? envValue(this.linker, key, el, scope.module)
          : v.kind === 'builtin' && v.name === 'env.values' ? envSchemaMember(this.linker, v, key, el, scope.module)
          : v.kind === 'obj' || v.kind === 'fn' || v.kind === 'builtin' || v.kind === 'arr' ? getProp(v, key) : v.kind === 'instance' ? instanceMember(v, key) : unknown();
        if (pv.kind === 'undef' && el.initializer) pv = this.eval(el.initializer, scope);
        this.bindPattern(el.name, pv, scope);
      }
      return;
    }
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        this.bindPattern(el.name, v.kind === 'arr' ? arr(v.items.slice(i), v.partial) : unknown(), scope);
        return;
      }
      let iv = v.kind === 'arr' ? (v.items[i] ?? (v.partial ? unknown() : UNDEF)) : unknown();
      if (iv.kind === 'undef' && el.initializer) iv = this.eval(el.initializer, scope);
      this.bindPattern(el.name, iv, scope);
    });
  }

  // ---- expressions ------------------------------------------------------------------------

  eval(e: ts.Expression, scope: Scope): Value {
    if (!this.linker.tick(e, scope.module)) return unknown('analysis budget exceeded');
    switch (e.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return { kind: 'str', v: (e as ts.StringLiteral).text, node: e, module: scope.module };
      case ts.SyntaxKind.NumericLiteral:
        return num(Number((e as ts.NumericLiteral).text));
      case ts.SyntaxKind.TrueKeyword:
        return bool(true);
      case ts.SyntaxKind.FalseKeyword:
        return bool(false);
      case ts.SyntaxKind.NullKeyword:
        return NULL;
      case ts.SyntaxKind.RegularExpressionLiteral: {
        const text = (e as ts.RegularExpressionLiteral).text;
        const last = text.lastIndexOf('/');
        return { kind: 'regex', source: text.slice(1, last), flags: text.slice(last + 1) };
      }
      case ts.SyntaxKind.Identifier:
        return this.evalIdentifier(e as ts.Identifier, scope);
      case ts.SyntaxKind.ThisKeyword:
        return scope.thisOf() ?? unknown('this');
      case ts.SyntaxKind.TemplateExpression:
        return this.evalTemplate(e as ts.TemplateExpression, scope);
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
        return this.eval((e as ts.ParenthesizedExpression).expression, scope);
      case ts.SyntaxKind.AwaitExpression: {
        const v = unwrapPromise(this.eval((e as ts.AwaitExpression).expression, scope));
        if (v.kind === 'instance') this.flushQueue();
        return v;
      }
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.evalObject(e as ts.ObjectLiteralExpression, scope);
      case ts.SyntaxKind.ArrayLiteralExpression:
        return this.evalArray(e as ts.ArrayLiteralExpression, scope);
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return this.makeFunction(e as ts.FunctionLikeDeclaration, scope);
      case ts.SyntaxKind.PropertyAccessExpression:
        return this.evalPropertyAccess(e as ts.PropertyAccessExpression, scope);
      case ts.SyntaxKind.ElementAccessExpression: {
        const ea = e as ts.ElementAccessExpression;
        const o = this.eval(ea.expression, scope);
        const k = this.eval(ea.argumentExpression, scope);
        const key = asString(k);
        if (key === undefined) return unknown('computed property', e, scope.module);
        return this.member(o, key, e, scope);
      }
      case ts.SyntaxKind.CallExpression:
        return this.evalCall(e as ts.CallExpression, scope);
      case ts.SyntaxKind.NewExpression:
        return this.evalNew(e as ts.NewExpression, scope);
      case ts.SyntaxKind.BinaryExpression:
        return this.evalBinary(e as ts.BinaryExpression, scope);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const t = truthy(this.eval(c.condition, scope));
        if (t === true) return this.eval(c.whenTrue, scope);
        if (t === false) return this.eval(c.whenFalse, scope);
        this.uncertain++;
        const a = this.eval(c.whenTrue, scope);
        const b = this.eval(c.whenFalse, scope);
        this.uncertain--;
        return sameValue(a, b) ? a : (factoryOfEither(a, b) ?? unknown('depends on a condition known only at run time', c.condition, scope.module));
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.evalPrefix(e as ts.PrefixUnaryExpression, scope);
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        const old = this.eval(p.operand, scope);
        if (old.kind === 'num') this.assignTo(p.operand, num(p.operator === ts.SyntaxKind.PlusPlusToken ? old.v + 1 : old.v - 1), scope);
        else this.assignTo(p.operand, unknown(), scope);
        return old;
      }
      case ts.SyntaxKind.TypeOfExpression: {
        const v = this.eval((e as ts.TypeOfExpression).expression, scope);
        const t = typeOfValue(v);
        return t ? str(t) : unknown();
      }
      case ts.SyntaxKind.VoidExpression:
        this.eval((e as ts.VoidExpression).expression, scope);
        return UNDEF;
      case ts.SyntaxKind.DeleteExpression:
        return bool(true);
      case ts.SyntaxKind.ClassExpression:
        return makeClass(this, e as ts.ClassExpression, scope);
      case ts.SyntaxKind.SpreadElement:
        return this.eval((e as ts.SpreadElement).expression, scope);
      case ts.SyntaxKind.MetaProperty:
        return this.evalMeta(e as ts.MetaProperty, scope);
      default:
        return unknown(undefined, e, scope.module);
    }
  }

  private evalMeta(e: ts.MetaProperty, scope: Scope): Value {
    if (e.keywordToken === ts.SyntaxKind.ImportKeyword) {
      const file = scope.module.path;
      const meta = obj();
      meta.props.set('url', str(pathToFileURL(file).href));
      meta.props.set('filename', str(file));
      meta.props.set('dirname', str(posix.dirname(file)));
      return meta;
    }
    return unknown('new.target');
  }

  private evalIdentifier(id: ts.Identifier, scope: Scope): Value {
    const name = id.text;
    if (name === 'undefined') return UNDEF;
    const v = scope.lookup(name);
    if (v !== undefined) return v;
    return globalValue(name) ?? unknown(`'${name}' is not defined in the analysed code`, id, scope.module);
  }

  private evalTemplate(t: ts.TemplateExpression, scope: Scope): Value {
    let s = t.head.text;
    let missing: UnknownValue | undefined;
    for (const span of t.templateSpans) {
      const v = this.eval(span.expression, scope);
      const p = primitive(v);
      if (!p || (v.kind !== 'str' && v.kind !== 'num' && v.kind !== 'bool' && v.kind !== 'null' && v.kind !== 'undef')) {
        // Partly known: the text keeps the known parts around `{?}` (a prefix `/${config.DIR}` shows `/{?}`).
        missing ??= unknown('template part not known statically', span.expression, scope.module);
        s += (v.kind === 'unknown' && v.text ? v.text : '{?}') + span.literal.text;
        continue;
      }
      s += String(p.value) + span.literal.text;
    }
    if (missing) {
      missing.text = s;
      return missing;
    }
    return { kind: 'str', v: s, node: t, module: scope.module };
  }

  evalObject(o: ts.ObjectLiteralExpression, scope: Scope): ObjValue {
    const out: ObjValue = { kind: 'obj', props: new Map(), partial: false, node: o, module: scope.module, born: stamp() };
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = propertyName(p.name, this, scope);
        const v = this.eval(p.initializer, scope);
        if (key === undefined) out.partial = true;
        else out.props.set(key, v);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        out.props.set(p.name.text, this.evalIdentifier(p.name, scope));
      } else if (ts.isSpreadAssignment(p)) {
        const v = this.eval(p.expression, scope);
        if (v.kind === 'obj') {
          for (const [k, pv] of v.props) out.props.set(k, pv);
          if (v.partial) out.partial = true;
        } else if (v.kind === 'fn') {
          for (const [k, pv] of v.props) out.props.set(k, pv);
        } else if (v.kind === 'arr') {
          v.items.forEach((item, i) => out.props.set(String(i), item));
          if (v.partial) out.partial = true;
        } else if (v.kind === 'coll') {
          // A Map or Set has no own enumerable properties: spreading it adds nothing.
        } else if (v.kind !== 'null' && v.kind !== 'undef' && v.kind !== 'str' && v.kind !== 'num' && v.kind !== 'bool') {
          out.partial = true;
        }
      } else if (ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
        const key = propertyName(p.name, this, scope);
        if (key === undefined) {
          out.partial = true;
          continue;
        }
        const fn = this.makeFunction(p, scope);
        if (ts.isGetAccessorDeclaration(p)) fn.props.set('__getter', bool(true));
        if (ts.isSetAccessorDeclaration(p) && out.props.has(key)) continue;
        out.props.set(key, fn);
      }
    }
    return out;
  }

  private evalArray(a: ts.ArrayLiteralExpression, scope: Scope): ArrValue {
    const out: ArrValue = { kind: 'arr', items: [], partial: false, node: a, module: scope.module, born: stamp() };
    for (const el of a.elements) {
      if (ts.isSpreadElement(el)) {
        const it = iterableItems(this.eval(el.expression, scope));
        if (it) {
          out.items.push(...it.items);
          if (it.partial) out.partial = true;
        } else out.partial = true;
      } else if (ts.isOmittedExpression(el)) out.items.push(UNDEF);
      else out.items.push(this.eval(el, scope));
    }
    return out;
  }

  makeFunction(node: ts.FunctionLikeDeclaration, scope: Scope): FnValue {
    const name = node.name && ts.isIdentifier(node.name) ? node.name.text : variableNameOf(node);
    return {
      kind: 'fn',
      node,
      closure: scope,
      module: scope.module,
      props: new Map(),
      marks: {},
      thisValue: ts.isArrowFunction(node) ? scope.thisOf() : undefined,
      name,
      born: stamp(),
    };
  }

  private evalPropertyAccess(e: ts.PropertyAccessExpression, scope: Scope): Value {
    const o = this.eval(e.expression, scope);
    if (e.questionDotToken && isNullish(o) === true) return UNDEF;
    return this.member(o, e.name.text, e, scope);
  }

  member(o: Value, key: string, node: ts.Node, scope: Scope): Value {
    switch (o.kind) {
      case 'instance':
        return instanceMember(o, key);
      case 'builtin':
        if (o.name === 'process.env' && !o.props?.has(key)) return envValue(this.linker, key, node, scope.module);
        if (o.name === 'env.values') return envSchemaMember(this.linker, o, key, node, scope.module);
        return memberOfBuiltin(o, key) ?? unknown(`'${key}' of ${o.pkg ?? o.name}`, node, scope.module);
      case 'str':
      case 'arr':
      case 'obj':
      case 'fn':
        if (o.kind === 'str' || o.kind === 'arr') {
          if (key === 'length') return getProp(o, key);
          // URL objects are modelled as their href: `new URL(…).href`, `pathToFileURL(p).pathname`.
          if (o.kind === 'str' && (key === 'href' || key === 'pathname') && /^[a-z][a-z0-9+.-]*:/i.test(o.v)) return urlPart(o.v, key);
          if (o.kind === 'arr' && /^\d+$/.test(key)) return getProp(o, key);
          return { kind: 'builtin', name: `${o.kind === 'str' ? 'string' : 'array'}.${key}`, props: new Map([['__self', o]]) };
        }
        if (o.kind === 'obj' && !o.props.has(key) && (key === 'hasOwnProperty' || key === 'toString')) return unknown();
        if (o.kind === 'obj') {
          const pv = o.props.get(key);
          // A getter (object literal or class): reading the property runs it with the object as `this`.
          if (pv?.kind === 'fn' && pv.props.has('__getter')) return this.callFunction(pv, [], o);
          // Read once: an awilix cradle resolves its properties when read (awilix.ts).
          if (pv !== undefined) return pv;
        }
        return getProp(o, key);
      case 'coll':
        if (key === 'size') return collectionSize(o);
        return { kind: 'builtin', name: `${o.type === 'Map' ? 'map' : 'set'}.${key}`, props: new Map([['__self', o]]) };
      case 'class':
        return getProp(o, key);
      case 'promise':
        if (key === 'then' || key === 'catch' || key === 'finally') {
          return { kind: 'builtin', name: `promise.${key}`, props: new Map([['__self', o]]) };
        }
        return unknown();
      default:
        return unknown(undefined, node, scope.module);
    }
  }

  private evalCall(call: ts.CallExpression, scope: Scope): Value {
    const callee = call.expression;
    if (callee.kind === ts.SyntaxKind.SuperKeyword) {
      const self = scope.thisOf();
      const base = this.enclosingSuper(scope);
      if (base?.kind === 'class' && self?.kind === 'obj') initialise(this, base, call.arguments.map((a) => this.eval(a, scope)), self);
      return UNDEF;
    }
    if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = call.arguments[0] ? this.eval(call.arguments[0], scope) : UNDEF;
      return { kind: 'promise', v: this.linker.importValue(scope.module, spec, call) };
    }
    let thisValue: Value | undefined;
    let fnValue: Value;
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
      thisValue = this.eval(callee.expression, scope);
      if (callee.questionDotToken && isNullish(thisValue) === true) return UNDEF;
      const key = ts.isPropertyAccessExpression(callee) ? callee.name.text : asString(this.eval(callee.argumentExpression, scope));
      fnValue = key === undefined ? unknown('computed method') : this.member(thisValue, key, callee, scope);
    } else {
      fnValue = this.eval(callee, scope);
    }
    if (call.questionDotToken && isNullish(fnValue) === true) return UNDEF;
    const args: Value[] = [];
    for (const a of call.arguments) {
      if (ts.isSpreadElement(a)) {
        const it = iterableItems(this.eval(a.expression, scope));
        if (it && !it.partial) args.push(...it.items);
        else args.push(unknown('spread argument'));
      } else args.push(this.eval(a, scope));
    }
    return this.call(fnValue, args, call, scope, thisValue);
  }

  call(fnValue: Value, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope, thisValue?: Value): Value {
    switch (fnValue.kind) {
      case 'fn':
        return this.callFunction(fnValue, args, thisValue);
      case 'imethod':
        return callInstanceMethod(this, fnValue.instance, fnValue.name, args, call, scope);
      case 'builtin': {
        if (fnValue.name.startsWith('string.')) return callStringMethod(fnValue, args);
        if (fnValue.name.startsWith('array.')) return callArrayMethod(this, fnValue, args, call, scope);
        if (fnValue.name.startsWith('map.') || fnValue.name.startsWith('set.')) return callCollectionMethod(this, fnValue, args, call, scope);
        if (fnValue.name.startsWith('Object.')) return callObjectStatic(fnValue.name.slice(7), args);
        if (fnValue.name.startsWith('promise.')) {
          const self = fnValue.props?.get('__self');
          if (fnValue.name === 'promise.then' && self?.kind === 'promise' && args[0]) {
            return { kind: 'promise', v: this.call(args[0], [self.v], call, scope) };
          }
          return self ?? unknown();
        }
        return callBuiltin(this, fnValue, args, call, scope);
      }
      case 'unknown':
        this.touchCallbacks(args);
        return unknown(fnValue.why ?? 'call of an unknown function', call, scope.module);
      default:
        this.touchCallbacks(args);
        return unknown('not callable', call, scope.module);
    }
  }

  /**
   * Functions handed to code we cannot see (a library, a decorator) may still register routes
   * on an instance they close over; interpret them once with unknown arguments.
   */
  touchCallbacks(args: Value[]): void {
    for (const a of args) {
      if (a.kind === 'fn' && this.closesOverInstance(a)) this.callFunction(a, [], undefined, true);
    }
  }

  private closesOverInstance(fn: FnValue): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const target = n.expression.expression;
        if (ts.isIdentifier(target) && !isParameterOf(fn.node, target.text)) {
          const v = fn.closure.lookup(target.text);
          if (v?.kind === 'instance') found = true;
        }
      }
      ts.forEachChild(n, visit);
    };
    if (fn.node.body) visit(fn.node.body);
    return found;
  }

  private readonly superOf = new WeakMap<Scope, Value>();

  private enclosingSuper(scope: Scope): Value | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = this.superOf.get(s);
      if (v) return v;
    }
    return undefined;
  }

  callFunction(fn: FnValue, args: Value[], thisValue?: Value, uncertain = false): Value {
    if (this.depth >= MAX_CALL_DEPTH) {
      this.linker.report(fn.node, fn.module, `calls nested deeper than ${MAX_CALL_DEPTH} levels (plugins registering plugins, or helpers calling helpers): not followed further`);
      return unknown('calls nested too deeply');
    }
    this.linker.runs?.ranModule(fn.module);
    const key = args[0]?.kind === 'str' ? args[0].v : undefined;
    if (this.recursionRefused(fn.node, key)) return unknown('recursion');
    const body = fn.node.body;
    if (!body) return unknown();
    const scope = new Scope(fn.closure, fn.module, fn.thisValue ?? thisValue);
    const sup = fn.props.get('__super');
    if (sup) this.superOf.set(scope, sup);
    fn.node.parameters.forEach((p, i) => {
      if (p.dotDotDotToken) {
        this.bindPattern(p.name, arr(args.slice(i)), scope);
        return;
      }
      let v = args[i] ?? UNDEF;
      if (v.kind === 'undef' && p.initializer) v = this.eval(p.initializer, scope);
      this.bindPattern(p.name, v, scope);
    });
    this.depth++;
    this.callStack.push(fn.node);
    this.callKeys.push(key);
    // A function body starts certain: its own returns end it. Callbacks we only touch do not.
    const saved = this.uncertain;
    const calledConditionally = saved > 0;
    if (calledConditionally) this.conditionalCalls++;
    this.uncertain = uncertain ? 1 : 0;
    try {
      if (ts.isBlock(body)) {
        const c = this.execBlock(body.statements, scope);
        return c?.type === 'return' ? c.value : UNDEF;
      }
      return this.eval(body, scope);
    } finally {
      this.uncertain = saved;
      if (calledConditionally) this.conditionalCalls--;
      this.callStack.pop();
      this.callKeys.pop();
      this.depth--;
    }
  }

  /**
   * A function may be on the stack three times; a folder walk (recursing with a new existing
   * folder each time, so bounded by the tree) goes deeper, up to MAX_WALK_RECURSION.
   */
  private recursionRefused(node: ts.Node, key: string | undefined): boolean {
    let same = 0;
    let repeatsKey = false;
    for (let i = 0; i < this.callStack.length; i++) {
      if (this.callStack[i] !== node) continue;
      same++;
      if (key === undefined || this.callKeys[i] === key) repeatsKey = true;
    }
    if (same < 3) return false;
    if (repeatsKey || same >= MAX_WALK_RECURSION) return true;
    const folder = pathOfFileUrl(key!) ?? key!;
    return !folder.startsWith('/') || this.linker.host.stat(folder) !== 'directory';
  }

  private evalNew(e: ts.NewExpression, scope: Scope): Value {
    const ctor = this.eval(e.expression, scope);
    const args = (e.arguments ?? []).map((a) => this.eval(a, scope));
    if (ctor.kind === 'class') return construct(this, ctor, args);
    if (ctor.kind === 'builtin') return newBuiltin(ctor, args) ?? unknown('new', e, scope.module);
    this.touchCallbacks(args);
    return unknown('constructed object', e, scope.module);
  }

  private evalPrefix(e: ts.PrefixUnaryExpression, scope: Scope): Value {
    const v = this.eval(e.operand, scope);
    switch (e.operator) {
      case ts.SyntaxKind.ExclamationToken: {
        const t = truthy(v);
        return t === undefined ? unknown() : bool(!t);
      }
      case ts.SyntaxKind.MinusToken:
        return v.kind === 'num' ? num(-v.v) : unknown();
      case ts.SyntaxKind.PlusToken: {
        const p = primitive(v);
        return p ? num(Number(p.value)) : unknown();
      }
      case ts.SyntaxKind.PlusPlusToken:
      case ts.SyntaxKind.MinusMinusToken: {
        const nv = v.kind === 'num' ? num(e.operator === ts.SyntaxKind.PlusPlusToken ? v.v + 1 : v.v - 1) : unknown();
        this.assignTo(e.operand, nv, scope);
        return nv;
      }
      default:
        return unknown();
    }
  }

  private evalBinary(e: ts.BinaryExpression, scope: Scope): Value {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) {
      const v = this.eval(e.right, scope);
      this.assignTo(e.left, v, scope);
      return v;
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
      const l = this.eval(e.left, scope);
      const decided = op === ts.SyntaxKind.QuestionQuestionToken ? (isNullish(l) === undefined ? undefined : !isNullish(l)) : truthy(l);
      if (decided === undefined) {
        const r = this.eval(e.right, scope);
        // `opts.fastify ?? Fastify`, `custom || fastify`: the app is made by a fastify factory either way.
        if (op !== ts.SyntaxKind.AmpersandAmpersandToken && factoryOfEither(l, r)) return r;
        return unknown('depends on a value known only at run time', e.left, scope.module);
      }
      const takeLeft = op === ts.SyntaxKind.AmpersandAmpersandToken ? !decided : decided;
      return takeLeft ? l : this.eval(e.right, scope);
    }
    const compound = compoundOperator(op);
    if (compound !== undefined) {
      const v = binaryOp(compound, this.eval(e.left, scope), this.eval(e.right, scope));
      this.assignTo(e.left, v, scope);
      return v;
    }
    if (op === ts.SyntaxKind.CommaToken) {
      this.eval(e.left, scope);
      return this.eval(e.right, scope);
    }
    const l = this.eval(e.left, scope);
    const r = this.eval(e.right, scope);
    return binaryOp(op, l, r);
  }

  assignTo(target: ts.Expression, v: Value, scope: Scope): void {
    if (ts.isParenthesizedExpression(target)) return this.assignTo(target.expression, v, scope);
    if (ts.isIdentifier(target)) {
      scope.assign(target.text, v);
      return;
    }
    if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
      const o = this.eval(target.expression, scope);
      let key: string | undefined;
      if (ts.isPropertyAccessExpression(target)) key = target.name.text;
      else {
        const kv = this.eval(target.argumentExpression, scope);
        key = asString(kv) ?? (kv.kind === 'builtin' && kv.name.startsWith('symbol:') ? kv.name : undefined);
      }
      if (key === undefined) {
        if (o.kind === 'obj') {
          barrier.write(o);
          o.partial = true;
        }
        return;
      }
      setMember(o, key, v);
      return;
    }
    if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
      // Destructuring assignment: rare in app wiring; the targets become unknown.
      return;
    }
  }

  /** A span for a node of a module. */
  span(node: ts.Node, module: ModuleRecord): Span {
    return this.linker.span(node, module);
  }
}

/**
 * A factory chosen under a run-time condition (`fastify ? fastify : _fastify`, `opts.fastify ??
 * Fastify`): when one side is the fastify factory and the other is not known, the app is made by
 * a fastify factory either way, so the known one stands for both.
 */
function factoryOfEither(a: Value, b: Value): Value | undefined {
  const isFactory = (v: Value) => v.kind === 'builtin' && v.name === 'fastify.factory';
  const open = (v: Value) => v.kind === 'unknown' || v.kind === 'undef' || v.kind === 'null';
  if (isFactory(a) && (open(b) || isFactory(b))) return a;
  if (isFactory(b) && open(a)) return b;
  return undefined;
}

function setMember(o: Value, key: string, v: Value): void {
  if (o.kind === 'obj' || o.kind === 'fn' || o.kind === 'builtin') barrier.write(o);
  if (o.kind === 'obj') {
    o.props.set(key, v);
    return;
  }
  if (o.kind === 'fn' || o.kind === 'builtin') {
    if (key === 'symbol:skip-override') {
      const marks = o.kind === 'fn' ? o.marks : (o.marks ??= {});
      marks.skipOverride = truthy(v) === true;
      return;
    }
    if (o.kind === 'fn') o.props.set(key, v);
    else (o.props ??= new Map()).set(key, v);
  }
}

export function propertyName(name: ts.PropertyName, interp: Interpreter, scope: Scope): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const v = interp.eval(name.expression, scope);
    return asString(v) ?? (v.kind === 'builtin' && v.name.startsWith('symbol:') ? v.name : undefined);
  }
  return undefined;
}

function iterate(v: Value): Value[] | undefined {
  const it = iterableItems(v);
  // A copy: the body may add to the collection it walks (JS would visit those for a Map or Set; we stop at what was there).
  return it && !it.partial ? [...it.items] : undefined;
}

/** A statement that always ends in `return` or `throw` (the last statement of a block, both branches of an `if`). */
function endsAbruptly(st: ts.Statement): boolean {
  if (ts.isReturnStatement(st) || ts.isThrowStatement(st)) return true;
  if (ts.isBlock(st)) return st.statements.length > 0 && endsAbruptly(st.statements[st.statements.length - 1]);
  if (ts.isIfStatement(st)) return !!st.elseStatement && endsAbruptly(st.thenStatement) && endsAbruptly(st.elseStatement);
  return false;
}

function isParameterOf(fn: ts.FunctionLikeDeclaration, name: string): boolean {
  return fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name);
}

/** `const name = () => …` gives the function its variable's name, as JS does. */
function variableNameOf(node: ts.Node): string | undefined {
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

function urlPart(href: string, key: 'href' | 'pathname'): Value {
  try {
    return str(new URL(href)[key]);
  } catch {
    return unknown('invalid URL');
  }
}
