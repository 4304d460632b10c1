import type { Rule, RuleFinding } from './types';

/** Parameters of a hook's async form (semantics doc 4.2); one more is the `done` callback. */
const ASYNC_PARAMS: Record<string, number> = {
  onRequest: 2, preParsing: 3, preValidation: 2, preHandler: 2, preSerialization: 3, onError: 3, onSend: 3,
  onResponse: 2, onTimeout: 2, onRequestAbort: 1, onReady: 0, onListen: 0, preClose: 0, onClose: 1,
};

/**
 * Whether `addHook` itself throws FST_ERR_HOOK_INVALID_ASYNC_HANDLER for an async function of
 * this length (fastify.js addHook; semantics doc 4.3): not every name maps to a real done slot.
 */
export function addHookThrows(name: string, length: number): boolean {
  if (['onSend', 'preSerialization', 'onError', 'preParsing'].includes(name)) return length === 4;
  if (name === 'onReady' || name === 'onListen') return length !== 0;
  if (name === 'onRequestAbort') return length !== 1;
  return length === 3;
}

export const asyncHookWithDone: Rule = {
  id: 'async-hook-with-done',
  summary: 'an `async` hook that also declares the `done` callback',
  why: 'An async hook finishes when its promise settles; a `done` parameter is never the right signal. Fastify rejects most such hooks at boot with FST_ERR_HOOK_INVALID_ASYNC_HANDLER, and where it does not, calling `done` as well runs the chain twice.',
  wrong: "app.addHook('onRequest', async (request, reply, done) => {\n  await check(request)\n  done()\n})",
  right: "app.addHook('onRequest', async (request, reply) => {\n  await check(request)\n})",
  defaultSeverity: 'error',
  check({ graph }) {
    const out: RuleFinding[] = [];
    const visit = (ctx: (typeof graph.apps)[number]['root']) => {
      for (const hook of ctx.hooks) {
        const expected = ASYNC_PARAMS[hook.name];
        if (hook.style !== 'async' || hook.params === undefined || expected === undefined || hook.params <= expected) continue;
        const throws = addHookThrows(hook.name, hook.params);
        out.push({
          message: `async '${hook.name}' hook declares ${hook.params} parameters: its async form takes ${expected}; drop \`done\` and let the promise finish the hook${throws ? ' (addHook throws FST_ERR_HOOK_INVALID_ASYNC_HANDLER at boot)' : ''}`,
          span: hook.handlerSpan ?? hook.span,
        });
      }
      for (const child of ctx.children) visit(child);
    };
    for (const app of graph.apps) visit(app.root);
    return out;
  },
};
