import type { ContentTypeParser, Decorator, Hook, MergedPlugin, Span } from '../model';
import type { PackageModel } from '../packages';
import { isUnknown, type OptObject, type OptValue, type PkgChild, type PkgRoute, type PkgScope, type UrlText } from '../packages/types';
import type { ContextBuilder } from './context-builder';
import { envSchemaValue } from './dotenv';
import { hookKind } from '../hook-names';
import type { Interpreter } from './interpreter';
import { joinPrefix, joinUnknownPrefix } from './url-join';
import { addRoute, markConditional } from './add-route';
import { getProp, originOf, unknown, type Value } from './values';
import { FASTIFY_AWILIX_PACKAGES, fastifyAwilixContainer } from './awilix';
import { packageIO } from './package-io';

/**
 * Registers a modelled npm plugin: what its model says it adds lands where Fastify puts it (the
 * registering context for fastify-plugin wrapped ones, else a new 'external' context), declared
 * at the register call. `opts` are the register options as computed (a function already called).
 */
export function applyPackageModel(interp: Interpreter, ctx: ContextBuilder, pkg: string, model: PackageModel, opts: Value, prefixSource: Value, span: Span): void {
  const app = ctx.app;
  const scope = typeof model.adds === 'function' ? model.adds(optionsView(opts), packageIO(interp.linker)) : model.adds;
  let target = ctx;
  if (model.wrapped) {
    ctx.ctx.plugins.push(markConditional<MergedPlugin>(interp, { name: pkg, span, external: pkg, order: ctx.order() }));
  } else {
    const p = prefixSource.kind === 'obj' || prefixSource.kind === 'fn' ? getProp(prefixSource, 'prefix') : prefixSource.kind === 'unknown' ? unknown('register options known only at run time') : undefined;
    let prefix = ctx.ctx.prefix;
    let known = ctx.ctx.prefixKnown;
    if (p?.kind === 'str') prefix = joinPrefix(prefix, p.v, app.fastifyMajor);
    else if (p?.kind === 'unknown') {
      prefix = joinUnknownPrefix(prefix, p.text ?? '{?}', app.fastifyMajor);
      known = false;
      const from = prefixSource.kind === 'unknown' ? `options ← ${originOf(prefixSource)}` : `options.prefix ← ${originOf(p)}`;
      interp.linker.reportAt(span, `${pkg}: prefix is not known statically (${from})`);
    }
    target = ctx.child('external', pkg, prefix, known, span);
    markConditional(interp, target.ctx);
  }
  applyScope(interp, target, scope, pkg, span);
  // @fastify/env decorates the instance with env-schema's result: `fastify.config.X` has its values.
  if (ENV_PACKAGES.includes(pkg)) {
    const key = getProp(opts, 'confKey');
    const name = key.kind === 'undef' ? 'config' : key.kind === 'str' ? key.v : undefined;
    if (name !== undefined) target.setDecoratorValue(name, envSchemaValue(opts, pkg));
  }
  // @fastify/awilix decorates `diContainer` with its shared container (awilix.ts models it).
  if (FASTIFY_AWILIX_PACKAGES.includes(pkg)) target.setDecoratorValue('diContainer', fastifyAwilixContainer(interp.linker, pkg, opts));
}

const ENV_PACKAGES = ['@fastify/env', 'fastify-env'];

function applyScope(interp: Interpreter, ctx: ContextBuilder, scope: PkgScope, pkg: string, span: Span): void {
  for (const d of scope.decorators ?? []) {
    if (isUnknown(d.name)) {
      interp.linker.reportAt(span, `${pkg}: a ${d.target} decorator's name is not known statically (${d.name.unknown})`);
      continue;
    }
    const dec: Decorator = { target: d.target, name: d.name, valueKind: d.kind ?? 'unknown', span, order: ctx.order() };
    if (d.conditional) dec.conditional = true;
    ctx.ctx.decorators.push(markConditional(interp, dec));
  }
  for (const h of scope.hooks ?? []) {
    const kind: Hook['kind'] = hookKind(h.name);
    const hook: Hook = { name: h.name, kind, style: 'unknown', span, order: ctx.order() };
    if (h.conditional) hook.conditional = true;
    ctx.ctx.hooks.push(markConditional(interp, hook));
  }
  for (const id of scope.schemas ?? []) ctx.ctx.schemas.push({ id, span, order: ctx.order() });
  for (const t of scope.contentTypeParsers ?? []) ctx.ctx.contentTypeParsers.push({ contentTypes: [t], span, order: ctx.order() } satisfies ContentTypeParser);
  for (const r of scope.routes ?? []) declarePackageRoute(interp, ctx, r, pkg, span);
  for (const note of scope.notes ?? []) interp.linker.reportAt(span, `${pkg}: ${note}`);
  for (const child of scope.children ?? []) {
    const run = () => applyChild(interp, ctx, child, pkg, span);
    if (child.conditional) interp.conditionally(run);
    else run();
  }
}

function applyChild(interp: Interpreter, ctx: ContextBuilder, child: PkgChild, pkg: string, span: Span): void {
  if (child.wrapped) {
    applyScope(interp, ctx, child, pkg, span);
    return;
  }
  const { text, known } = urlText(child.prefix ?? '');
  const prefix = joinPrefix(ctx.ctx.prefix, text, ctx.app.fastifyMajor);
  const target = ctx.child('external', child.name, prefix, ctx.ctx.prefixKnown && known, span);
  markConditional(interp, target.ctx);
  applyScope(interp, target, child, pkg, span);
}

function urlText(u: UrlText): { text: string; known: boolean; why?: string } {
  if (typeof u === 'string') return { text: u, known: true };
  if (!Array.isArray(u)) return { text: '{?}', known: false, why: u.unknown };
  const why = u.find(isUnknown)?.unknown;
  return { text: u.map((p) => (typeof p === 'string' ? p : '{?}')).join(''), known: why === undefined, why };
}

/** A route the package declares, expanded the way Fastify registers it (prefix, trailing slash, HEAD). */
function declarePackageRoute(interp: Interpreter, ctx: ContextBuilder, r: PkgRoute, pkg: string, span: Span): void {
  const { text: path, known, why } = urlText(r.path);
  if (!known && why) interp.linker.reportAt(span, `${pkg}: route URL ${path} is partly unknown (${why})`);
  addRoute(interp, ctx, r.methods, { methods: r.methods, path, exposeHeadRoute: r.exposeHeadRoute }, {
    urlKnown: ctx.ctx.prefixKnown && known,
    via: 'package',
    span,
    hooks: [],
    package: pkg,
    ...(r.conditional ? { conditional: true } : {}),
  });
}

/** The register options as plain data for a model, `Unknown` where the analysis has no value. */
export function optionsView(v: Value): OptObject {
  return { kind: 'object', get: (key) => data(getProp(v.kind === 'undef' ? { kind: 'obj', props: new Map(), partial: false } : v, key), 0) };
}

function data(v: Value, depth: number): OptValue {
  switch (v.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return v.v;
    case 'null':
      return null;
    case 'undef':
      return undefined;
    case 'obj':
      return { kind: 'object', get: (key) => (depth > 8 ? { unknown: 'nested too deep' } : data(getProp(v, key), depth + 1)) };
    case 'arr':
      return v.partial ? { unknown: 'an array with parts known only at run time' } : v.items.map((i) => data(i, depth + 1));
    case 'fn':
    case 'imethod':
      return { kind: 'function' };
    case 'unknown':
      return v.text ? { unknown: v.why ?? 'known only at run time', text: v.text } : { unknown: v.why ?? 'known only at run time' };
    default:
      return { unknown: `a ${v.kind} value` };
  }
}
