import { ts } from 'ts-morph';
import type { Decorator, Hook } from '../model';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import { UNDEF, unknown, unwrapPromise, type BuiltinValue, type Value } from './values';

/**
 * @fastify/restartable 3 (index.js): `restartable(factory, opts, fastify = require('fastify'))`
 * awaits `factory(createApplication, opts)` once at start, where `createApplication(newOpts)` is
 * `fastify({ ...newOpts, serverFactory })` plus the decorators `restart`, `addPreRestartHook`,
 * `addOnRestartHook` (functions), `restarted`, `persistentRef`, `closingRestartable` (getters) and a
 * `preClose` hook, all made inside the package (Fastify sees them at the factory's call). It
 * resolves to a proxy whose prototype is that app. A restart calls the factory again, at run time.
 */
export const RESTARTABLE_PACKAGES = ['@fastify/restartable'];

export function restartableValue(pkg: string): BuiltinValue {
  const b: BuiltinValue = { kind: 'builtin', name: 'restartable', pkg };
  b.props = new Map<string, Value>([['default', b], ['restartable', b]]);
  return b;
}

/** `restartable(factory, opts)`: the factory runs with the modelled createApplication. */
export function callRestartable(interp: Interpreter, b: BuiltinValue, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  const factory = args[0] ?? UNDEF;
  if (factory.kind !== 'fn') {
    interp.touchCallbacks(args);
    if (call) interp.linker.report(call, scope.module, `${b.pkg}: the app factory is not known statically`);
    return unknown(`result of a call into '${b.pkg}'`);
  }
  const create: BuiltinValue = { kind: 'builtin', name: 'restartable.create', pkg: b.pkg };
  const app = unwrapPromise(interp.callFunction(factory, [create, args[1] ?? UNDEF]));
  return { kind: 'promise', v: app };
}

const FUNCTIONS = ['restart', 'addPreRestartHook', 'addOnRestartHook'];
const GETTERS = ['restarted', 'persistentRef', 'closingRestartable'];

/** createApplication(newOpts): a fastify() app made at this call, with restartable's decorators. */
export function createRestartableApp(interp: Interpreter, args: Value[], call: ts.CallExpression | ts.NewExpression | undefined, scope: Scope): Value {
  if (!call || !ts.isCallExpression(call)) return unknown('restartable app made outside a call');
  const inst = interp.linker.createApp(call, scope, args[0] ?? UNDEF);
  const ctx = inst.ctx;
  if (ctx.ctx.decorators.length || ctx.ctx.hooks.length) return inst;
  const span = interp.span(call, scope.module);
  for (const name of [...FUNCTIONS, ...GETTERS]) {
    ctx.ctx.decorators.push({ target: 'instance', name, valueKind: FUNCTIONS.includes(name) ? 'function' : 'getter', span, order: ctx.order() } satisfies Decorator);
  }
  ctx.ctx.hooks.push({ name: 'preClose', kind: 'application', style: 'async', span, order: ctx.order() } satisfies Hook);
  return inst;
}
