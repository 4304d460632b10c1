/** The hook names of Fastify (semantics doc 4.1), shared by the linker, the rules and the editor. */

/** Request/reply (lifecycle) hooks, in the order a request meets them (onError, onRequestAbort when they happen). */
export const LIFECYCLE_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onTimeout', 'onError', 'onRequestAbort'];

/** Application hooks. */
export const APPLICATION_HOOKS = ['onRoute', 'onRegister', 'onReady', 'onListen', 'preClose', 'onClose'];

/** What kind of hook a name is: a request/reply (lifecycle) hook, an application hook, or not a Fastify hook. */
export function hookKind(name: string): 'lifecycle' | 'application' | 'unknown' {
  return LIFECYCLE_HOOKS.includes(name) ? 'lifecycle' : APPLICATION_HOOKS.includes(name) ? 'application' : 'unknown';
}
