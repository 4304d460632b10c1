import * as posix from 'node:path/posix';
import { ts } from 'ts-morph';
import type { ArgKind, Decorator, DecoratorTarget, DecoratorValueKind, Hook, InstanceCall, MergedPlugin, Route, RouteHook, RouteSchema, SchemaPart, Span } from '../model';
import { hookKind, LIFECYCLE_HOOKS } from '../hook-names';
import { HANDLER_ROLES, hookRoles } from '../facts/function-body';
import { runAutoload } from './autoload';
import { runBootstrap } from './fastify-decorators';
import { applyPackageModel } from './package-plugins';
import { modelForProject } from './package-io';
import { recordBodyUses, recordInstanceUses } from './decorator-uses';
import type { ContextBuilder } from './context-builder';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import { allMethods, joinPrefix, joinUnknownPrefix, type TrailingSlashMode } from './url-join';
import { addRoute, markConditional } from './add-route';
import { jsonOfValue } from './json-value';
import { routeConstraints } from './route-constraints';
import { functionShape } from './function-shape';
import { behaviourAt } from './version-rules';
import { pluginRunKey } from './replay/run-key';
import {
  UNDEF, asString, getProp, obj, originOf, str, truthy, unknown, unwrapPromise,
  type FnValue, type InstanceValue, type Value,
} from './values';

const SHORTHANDS = ['get', 'head', 'post', 'put', 'delete', 'options', 'patch', 'all', 'trace', 'query', 'propfind', 'proppatch', 'mkcol', 'copy', 'move', 'lock', 'unlock', 'search', 'report', 'mkcalendar'];
const CHAINABLE = new Set([
  'withTypeProvider', 'setSerializerCompiler', 'setSchemaErrorFormatter', 'setReplySerializer',
  'addHttpMethod', 'setGenReqId', 'addConstraintStrategy', 'setChildLoggerFactory', 'removeContentTypeParser',
  'removeAllContentTypeParsers',
]);

export function instanceMember(inst: InstanceValue, key: string): Value {
  if (key === 'prefix') return inst.ctx.ctx.prefixKnown ? str(inst.ctx.ctx.prefix) : unknown('prefix known only at run time');
  if (key === 'then') return UNDEF;
  return inst.ctx.decoratorValue(key) ?? { kind: 'imethod', instance: inst, name: key };
}

export function callInstanceMethod(
  interp: Interpreter,
  inst: InstanceValue,
  name: string,
  args: Value[],
  call: ts.CallExpression | ts.NewExpression | undefined,
  scope: Scope,
): Value {
  const callSpan = call ? callSiteSpan(interp, call, scope) : inst.ctx.ctx.span;
  const ctx = inst.ctx;
  if (name === 'register') {
    registerPlugin(interp, ctx, args[0] ?? UNDEF, args[1] ?? UNDEF, callSpan, scope);
    return inst;
  }
  if (name === 'route') {
    declareRoute(interp, ctx, 'route', undefined, args, call, scope);
    return inst;
  }
  if (SHORTHANDS.includes(name)) {
    declareRoute(interp, ctx, name, name === 'all' ? ['ALL'] : [name.toUpperCase()], args, call, scope);
    return inst;
  }
  switch (name) {
    case 'addHook':
      addHook(interp, ctx, args, callSpan, call, scope);
      return inst;
    case 'decorate':
    case 'decorateRequest':
    case 'decorateReply': {
      const target: DecoratorTarget = name === 'decorate' ? 'instance' : name === 'decorateRequest' ? 'request' : 'reply';
      const dn = asString(args[0] ?? UNDEF);
      if (dn === undefined) interp.linker.reportAt(callSpan, `${name}(): decorator name not known statically`);
      else ctx.ctx.decorators.push(markConditional<Decorator>(interp, { target, name: dn, valueKind: decoratorKind(args[1] ?? UNDEF), span: callSpan, ...decoratorSpans(interp, call, scope), order: ctx.order() }));
      return inst;
    }
    case 'addSchema': {
      const id = asString(getProp(args[0] ?? UNDEF, '$id'));
      if (id === undefined) interp.linker.reportAt(callSpan, 'addSchema(): $id not known statically');
      else ctx.ctx.schemas.push({ id, span: callSpan, order: ctx.order(), ...jsonOfValue(args[0] ?? UNDEF) });
      return inst;
    }
    case 'setValidatorCompiler':
    case 'setSchemaController':
      (ctx.ctx.customValidation ??= []).push(callSpan);
      return inst;
    case 'setErrorHandler':
      ctx.ctx.errorHandlers.push(callSpan);
      return inst;
    case 'setNotFoundHandler':
      ctx.ctx.notFoundHandlers.push(callSpan);
      return inst;
    case 'addContentTypeParser': {
      const t = args[0] ?? UNDEF;
      const types = t.kind === 'arr' ? t.items : [t];
      const contentTypes = types.map((v) => (v.kind === 'regex' ? `/${v.source}/${v.flags}` : asString(v) ?? '?'));
      ctx.ctx.contentTypeParsers.push({ contentTypes, span: callSpan, order: ctx.order() });
      return inst;
    }
    case 'after':
    case 'ready': {
      interp.flushQueue();
      const cb = args[0];
      if (cb?.kind === 'fn') interp.callFunction(cb, [UNDEF, unknown('done')], inst);
      return name === 'ready' && !cb ? { kind: 'promise', v: inst } : inst;
    }
    default:
      // Chainable setters are calls too (setSerializerCompiler, addHttpMethod…): recorded, then the instance.
      (ctx.ctx.calls ??= []).push(markConditional<InstanceCall>(interp, { name, span: callSpan, args: args.map(argKind), strings: args.map((a) => (a.kind === 'str' ? a.v : undefined)), ...(call?.arguments && call.arguments.length === args.length ? { argSpans: call.arguments.map((a) => interp.span(a, scope.module)) } : {}) }));
      if (CHAINABLE.has(name)) return inst;
      interp.touchCallbacks(args);
      return unknown(`fastify.${name}()`);
  }
}

/** register(plugin, opts): a new encapsulated context, or the same one for fastify-plugin. */
export function registerPlugin(interp: Interpreter, ctx: ContextBuilder, pluginArg: Value, optsArg: Value, span: Span, scope: Scope, nameHint?: string, bodyOpts?: () => Value): void {
  // The plugin loads later (avvio); whether its register() was conditional is known now.
  const load = () => loadPlugin(interp, ctx, pluginArg, optsArg, span, scope, nameHint, bodyOpts);
  interp.enqueue(interp.conditional ? () => interp.conditionally(load) : load);
}

function loadPlugin(interp: Interpreter, ctx: ContextBuilder, pluginArg: Value, optsArg: Value, span: Span, scope: Scope, nameHint?: string, bodyOpts?: () => Value): void {
  const linker = interp.linker;
  let plugin = unwrapPromise(pluginArg);
  if (plugin.kind === 'obj' && plugin.props.has('default')) plugin = unwrapPromise(plugin.props.get('default')!);
  // Function options are called with the parent when the plugin loads; Fastify reads `prefix`
  // from the function object itself, not from what it returns (checked on fastify 5.12).
  const prefixSource = optsArg;
  let opts = bodyOpts ? bodyOpts() : optsArg;
  if (opts.kind === 'fn') opts = interp.callFunction(opts, [{ kind: 'instance', ctx }]);

  if (plugin.kind === 'builtin' && plugin.name === 'autoload') {
    runAutoload(interp, ctx, opts, span, scope);
    return;
  }
  if (plugin.kind === 'builtin' && plugin.name === 'fd.bootstrap') {
    runBootstrap(interp, ctx, opts, span);
    return;
  }
  if (plugin.kind === 'builtin' && plugin.name === 'package') {
    const pkg = plugin.pkg ?? '?';
    const chosen = modelForProject(linker, scope.module.project, pkg);
    if (chosen) {
      if (chosen.note) linker.reportAt(span, `${pkg}: ${chosen.note}`);
      applyPackageModel(interp, ctx, pkg, chosen.model, opts, prefixSource, span);
      return;
    }
    ctx.ctx.plugins.push(markConditional<MergedPlugin>(interp, { name: plugin.marks?.meta?.name ?? pkg, span, external: pkg, meta: plugin.marks?.meta, order: ctx.order() }));
    linker.reportAt(span, `plugin from package '${pkg}' is not analysed (its decorators, hooks and routes are not in the graph)`);
    return;
  }
  if (plugin.kind !== 'fn') {
    linker.reportAt(span, `register(): the plugin is not known statically${plugin.kind === 'unknown' && plugin.why ? ` (${plugin.why})` : ''}`);
    return;
  }
  const fn: FnValue = plugin;
  const app = ctx.app;
  const name = pluginName(fn, nameHint);
  if (linker.isCycle(fn.node)) {
    linker.reportAt(span, `register cycle: plugin '${name}' registers itself again; stopped following it`);
    return;
  }
  linker.markRegistered(fn);
  const pluginSpan = fn.module.pluginSpan(fn.node, () => interp.span(fn.node, fn.module));
  let target = ctx;
  if (fn.marks.skipOverride) {
    ctx.ctx.plugins.push(markConditional<MergedPlugin>(interp, { name, span, pluginSpan, meta: fn.marks.meta, order: ctx.order() }));
  } else {
    const p = prefixSource.kind === 'obj' || prefixSource.kind === 'fn' ? getProp(prefixSource, 'prefix') : prefixSource.kind === 'unknown' ? unknown('register options known only at run time') : UNDEF;
    let prefix = ctx.ctx.prefix;
    let known = ctx.ctx.prefixKnown;
    if (p.kind === 'str') prefix = joinPrefix(prefix, p.v, app.fastifyAt);
    else if (p.kind === 'unknown') {
      // An unknown prefix (or unknown options, which may hold one) stays unknown: `{?}` in the URL.
      prefix = joinUnknownPrefix(prefix, p.text ?? '{?}', app.fastifyAt);
      known = false;
      const from = prefixSource.kind === 'unknown' ? `options ← ${originOf(prefixSource)}` : `options.prefix ← ${originOf(p)}`;
      linker.reportAt(span, `prefix of plugin '${name}' is not known statically (${from})`);
    }
    target = ctx.child('plugin', name, prefix, known, span);
    markConditional(interp, target.ctx);
    target.ctx.pluginSpan = pluginSpan;
    target.ctx.file = fn.module.path;
    if (fn.marks.meta) {
      target.ctx.meta = fn.marks.meta;
      target.ctx.encapsulatedFp = true;
    }
  }
  recordInstanceUses(interp, target, fn);
  linker.enterPlugin(fn.node);
  try {
    const optsForPlugin = opts.kind === 'obj' ? opts : opts.kind === 'undef' ? obj() : opts;
    const load = () => interp.load(() => interp.callFunction(fn, [{ kind: 'instance', ctx: target }, optsForPlugin, unknown('done')]));
    // An encapsulated plugin defined at a module's top level is a unit of replay (replay/plugin-runs.ts).
    const key = linker.runs && target !== ctx && fn.closure === fn.module.scope ? pluginRunKey(optsForPlugin) : undefined;
    if (key !== undefined) linker.runs!.run(fn.node, key, interp.runState(), target, load);
    else load();
  } finally {
    linker.pluginStack.pop();
  }
}

/** fastify-plugin name, the autoload file, the function name, else the file that exports it (as Fastify names it). */
function pluginName(fn: FnValue, hint?: string): string {
  if (fn.marks.meta?.name) return fn.marks.meta.name;
  if (hint) return hint;
  if (fn.name) return fn.name;
  const m = fn.module;
  if (m.cjsExports === fn || m.esmExports.get('default')?.() === fn) return posix.basename(m.path);
  return 'anonymous';
}


function declareRoute(
  interp: Interpreter,
  ctx: ContextBuilder,
  via: string,
  shorthandMethods: string[] | undefined,
  args: Value[],
  call: ts.CallExpression | ts.NewExpression | undefined,
  scope: Scope,
): void {
  const linker = interp.linker;
  const app = ctx.app;
  let urlV: Value;
  let opts: Value = UNDEF;
  let handler: Value = UNDEF;
  if (shorthandMethods) {
    urlV = args[0] ?? UNDEF;
    if (args.length >= 3) {
      opts = args[1];
      handler = args[2];
    } else if (args[1]?.kind === 'obj') {
      opts = args[1];
      handler = getProp(opts, 'handler');
    } else handler = args[1] ?? UNDEF;
  } else {
    opts = args[0] ?? UNDEF;
    handler = getProp(opts, 'handler');
    urlV = getProp(opts, 'url');
    if (urlV.kind === 'undef') urlV = getProp(opts, 'path');
  }
  const callSpan = call ? callSiteSpan(interp, call, scope) : ctx.ctx.span;
  // A route() fed from a table is declared where its object is written, not at the loop.
  const tableEntry = via === 'route' && opts.kind === 'obj' && opts.node && opts.module && !(call && within(opts.node, call)) ? opts : undefined;
  const span = tableEntry ? interp.span(tableEntry.node!, tableEntry.module!) : callSpan;

  let methods = shorthandMethods;
  if (!methods) {
    const m = getProp(opts, 'method');
    const list = m.kind === 'arr' ? m.items : [m];
    const names = list.map((v) => asString(v)?.toUpperCase());
    if (names.some((n) => n === undefined) || m.kind === 'undef' || (m.kind === 'arr' && m.partial)) {
      linker.reportAt(span, 'route(): method not known statically');
      return;
    }
    methods = names as string[];
  }
  let path: string;
  let urlKnown = ctx.ctx.prefixKnown;
  if (urlV.kind === 'str') path = urlV.v;
  else if (urlV.kind === 'undef') path = '';
  else {
    path = '/{?}';
    urlKnown = false;
    linker.reportAt(span, `route URL is not known statically${urlV.kind === 'unknown' && urlV.why ? ` (${urlV.why})` : ''}`);
  }
  const registerMethods = methods.includes('ALL') ? allMethods(app.fastifyAt) : methods;
  const pts = asString(getProp(opts, 'prefixTrailingSlash')) as TrailingSlashMode | undefined;
  const exposeHeadRoute = getProp(opts, 'exposeHeadRoute');
  // No options object (`app.get(url, handler)`): no schema, rather than an unknown one.
  const schemaV = opts.kind === 'undef' ? UNDEF : getProp(opts, 'schema');
  const shape = { methods: registerMethods, path, prefixTrailingSlash: pts, exposeHeadRoute: exposeHeadRoute.kind === 'undef' ? undefined : truthy(exposeHeadRoute) };
  const fields = {
    urlKnown,
    via,
    span,
    handlerSpan: handler.kind === 'fn' ? interp.span(handler.node, handler.module) : undefined,
    handlerName: handler.kind === 'fn' ? functionName(handler.node) : undefined,
    schema: routeSchema(interp, schemaV),
    schemaUnknown: schemaV.kind === 'obj' || schemaV.kind === 'undef' || schemaV.kind === 'null' ? undefined : (true as const),
    ...(opts.kind === 'obj' && (opts.props.has('validatorCompiler') || opts.partial) ? { validatorCompiler: true as const } : {}),
    ...(opts.kind === 'obj' && (opts.props.has('serializerCompiler') || opts.partial) ? { serializerCompiler: true as const } : {}),
    hooks: routeHooks(interp, ctx, opts, span),
    ...routeConstraints(opts, ctx.app.fastifyMajor),
    body: handler.kind === 'fn' ? interp.linker.bodyFacts.get(handler.node, HANDLER_ROLES, handler.module.path) : undefined,
    optionsAt: optionsAt(interp, call, scope, !!shorthandMethods, args, tableEntry),
  };
  if (!fields.optionsAt) delete fields.optionsAt;
  if (handler.kind === 'fn') recordBodyUses(interp, ctx, handler, fields.body, false);
  if (behaviourAt('fastify.routes-added-at-call', app.fastifyAt)) {
    addRoute(interp, ctx, methods, shape, fields);
    return;
  }
  // Fastify 3 adds the route in an after() callback: queued like a register(), behind the plugins
  // registered before it; whether the call was conditional is known now.
  const add = () => void addRoute(interp, ctx, methods, shape, fields);
  interp.enqueue(interp.conditional ? () => interp.conditionally(add) : add);
}

/** The name a function is known by: its own, or the variable or property it is assigned to. */
function functionName(node: ts.Node): string | undefined {
  const own = (node as { name?: ts.Node }).name;
  if (own && (ts.isIdentifier(own) || ts.isPrivateIdentifier(own))) return own.text;
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/**
 * `app.get(...)` from the method name on: in a chain (`app.post(a).get(b)`) each call starts at
 * its own method, not at `app`.
 */
function callSiteSpan(interp: Interpreter, call: ts.CallExpression | ts.NewExpression, scope: Scope): Span {
  const whole = interp.span(call, scope.module);
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return whole;
  const name = interp.span(callee.name, scope.module);
  return { ...whole, start: name.start, line: name.line };
}

/** Flags what is declared under a run-time condition, so rules can tell "maybe" from "always". */

function within(inner: ts.Node, outer: ts.Node): boolean {
  return inner.getSourceFile() === outer.getSourceFile() && inner.pos >= outer.pos && inner.end <= outer.end;
}

function valueSpan(interp: Interpreter, v: Value): Span | undefined {
  if ((v.kind === 'obj' || v.kind === 'arr' || v.kind === 'str') && v.node && v.module) return interp.span(v.node, v.module);
  if (v.kind === 'fn') return interp.span(v.node, v.module);
  if (v.kind === 'unknown' && v.node && v.module) return interp.span(v.node, v.module);
  return undefined;
}

function routeSchema(interp: Interpreter, schema: Value): RouteSchema | undefined {
  if (schema.kind !== 'obj') return undefined;
  const span = valueSpan(interp, schema);
  if (!span) return undefined;
  const out: RouteSchema = { span };
  const part = (v: Value): SchemaPart | undefined => {
    if (v.kind === 'undef') return undefined;
    const s = valueSpan(interp, v) ?? span;
    const ref = v.kind === 'obj' ? asString(getProp(v, '$ref')) : undefined;
    return { span: s, ...(ref === undefined ? {} : { ref }), ...jsonOfValue(v) };
  };
  out.body = part(getProp(schema, 'body'));
  const qs = getProp(schema, 'querystring');
  out.querystring = part(qs.kind === 'undef' ? getProp(schema, 'query') : qs);
  out.params = part(getProp(schema, 'params'));
  out.headers = part(getProp(schema, 'headers'));
  const response = getProp(schema, 'response');
  if (response.kind === 'obj') {
    out.response = [...response.props.keys()];
    out.responseSpan = valueSpan(interp, response);
    out.responseValues = Object.fromEntries(out.response.map((code) => [code, jsonOfValue(response.props.get(code)!)]));
    // A status key or a spread (`[codes.x]`, `...errorSchemas()`) not known statically: more codes may be there.
    if (response.partial) out.responsePartial = true;
  } else if (response.kind !== 'undef' && response.kind !== 'null') {
    out.response = [];
    out.responsePartial = true;
    out.responseSpan = valueSpan(interp, response);
  }
  for (const k of ['body', 'querystring', 'params', 'headers', 'response', 'responseSpan', 'responseValues'] as const) if (out[k] === undefined) delete out[k];
  if (schema.partial) out.partial = true;
  return out;
}

function routeHooks(interp: Interpreter, ctx: ContextBuilder, opts: Value, fallback: Span): Route['hooks'] {
  if (opts.kind !== 'obj') return [];
  const hooks: Route['hooks'] = [];
  for (const name of LIFECYCLE_HOOKS) {
    const v = opts.props.get(name);
    if (!v || v.kind === 'undef') continue;
    const fns = v.kind === 'arr' ? v.items : [v];
    for (const f of fns) {
      const hook: RouteHook = { name, span: valueSpan(interp, f) ?? fallback };
      if (f.kind === 'fn') {
        hook.body = interp.linker.bodyFacts.get(f.node, hookRoles(name, 'lifecycle'), f.module.path);
        // A route-level hook runs for this route only, bound to its instance: like the handler.
        recordBodyUses(interp, ctx, f, hook.body, false);
      }
      hooks.push(hook);
    }
  }
  return hooks;
}

function addHook(interp: Interpreter, ctx: ContextBuilder, args: Value[], span: Span, call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): void {
  const name = asString(args[0] ?? UNDEF);
  const fn = args[1] ?? UNDEF;
  if (name === undefined) {
    interp.linker.reportAt(span, 'addHook(): hook name not known statically');
    return;
  }
  const kind: Hook['kind'] = hookKind(name);
  const hook: Hook = { name, kind, style: 'unknown', span, order: ctx.order() };
  if (fn.kind === 'fn') {
    hook.handlerSpan = interp.span(fn.node, fn.module);
    hook.body = interp.linker.bodyFacts.get(fn.node, hookRoles(name, kind), fn.module.path);
    hook.fn = functionShape(interp, fn.node, fn.module);
    hook.style = hook.body.async ? 'async' : 'callback';
    // The runtime parameters (a TypeScript `this` parameter is a type annotation): the shape leaves it out.
    hook.params = hook.fn.params.length;
    recordBodyUses(interp, ctx, fn, hook.body, true);
  }
  const nameArg = argNode(call, 0);
  if (nameArg && (ts.isStringLiteral(nameArg) || ts.isNoSubstitutionTemplateLiteral(nameArg))) hook.nameSpan = interp.span(nameArg, scope.module);
  ctx.ctx.hooks.push(markConditional(interp, hook));
}

function argKind(v: Value): ArgKind {
  switch (v.kind) {
    case 'num': return 'number';
    case 'str': return 'string';
    case 'bool': return 'boolean';
    case 'obj': case 'instance': return 'object';
    case 'arr': return 'array';
    case 'fn': case 'imethod': case 'class': return 'function';
    case 'null': case 'undef': return 'nullish';
    default: return 'unknown';
  }
}

/** The i-th argument node of a call as written (undefined for a spread or a missing one). */
function argNode(call: ts.CallExpression | ts.NewExpression | undefined, i: number): ts.Expression | undefined {
  const args = call?.arguments;
  if (!args || args.slice(0, i + 1).some(ts.isSpreadElement)) return undefined;
  return args[i];
}

/** Where a decorator's value is written, and its statement when the call stands alone. */
function decoratorSpans(interp: Interpreter, call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Pick<Decorator, 'valueSpan' | 'statementSpan'> {
  const out: Pick<Decorator, 'valueSpan' | 'statementSpan'> = {};
  const value = argNode(call, 1);
  if (value) out.valueSpan = interp.span(value, scope.module);
  if (call && ts.isExpressionStatement(call.parent) && ts.isPropertyAccessExpression(call.expression)) out.statementSpan = interp.span(call.parent, scope.module);
  return out;
}

/** Where "Add hook…" can write route options: the declaration's own options literal, or before a shorthand's handler. */
function optionsAt(interp: Interpreter, call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope, shorthand: boolean, args: Value[], tableEntry: Value | undefined): Route['optionsAt'] {
  if (tableEntry?.kind === 'obj' && tableEntry.node && tableEntry.module) {
    const n = tableEntry.node;
    return ts.isObjectLiteralExpression(n) && ts.isArrayLiteralExpression(n.parent) ? { object: interp.span(n, tableEntry.module) } : undefined;
  }
  if (!shorthand) {
    const o = argNode(call, 0);
    return o && ts.isObjectLiteralExpression(o) ? { object: interp.span(o, scope.module) } : undefined;
  }
  const second = argNode(call, 1);
  if (!second) return undefined;
  if (ts.isObjectLiteralExpression(second)) return { object: interp.span(second, scope.module) };
  if (args.length === 2 && args[1]?.kind !== 'obj') return { before: interp.span(second, scope.module) };
  return undefined;
}

function decoratorKind(v: Value): DecoratorValueKind {
  switch (v.kind) {
    case 'fn':
    case 'imethod':
      return 'function';
    case 'null':
      return 'null';
    case 'str':
    case 'num':
    case 'bool':
    case 'undef':
      return 'primitive';
    case 'arr':
      return 'array';
    case 'obj': {
      const g = v.props.get('getter');
      return g && g.kind === 'fn' ? 'getter' : 'object';
    }
    default:
      return 'unknown';
  }
}

