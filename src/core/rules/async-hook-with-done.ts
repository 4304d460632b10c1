import type { Hook } from '../model';
import { replaceSpan } from '../fixes/text-edits';
import type { Fix, Rule, RuleFinding } from './types';

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

/**
 * The fixes, when the one extra parameter is the `done` callback: an async hook ends when its
 * promise settles, so an unused `done` only goes (safe: where addHook threw, it boots; where it
 * did not, Fastify never waited on it). A body that calls `done` is callback-style code: dropping
 * `async` makes it one (not safe: a throw no longer rejects, a returned value is no longer a
 * promise), offered only when the body has no `await` of its own.
 */
function doneFixes(hook: Hook, expected: number, source: (file: string) => string | undefined): Fix[] | undefined {
  const fn = hook.fn;
  if (!fn || fn.params.length !== expected + 1) return undefined;
  const done = fn.params[expected];
  const label = done.name ? `\`${done.name}\`` : 'done';
  if (!done.referenced) {
    const prev = fn.params[expected - 1];
    const next = fn.params[expected + 1];
    const edit = prev
      ? replaceSpan({ ...done.span, start: prev.span.end }, '')
      : fn.parenthesized
        ? replaceSpan({ ...done.span, end: next?.span.start ?? afterTrailingComma(source(done.span.file), done.span.end) }, '')
        : replaceSpan(done.span, '()');
    return [{ title: `Remove the unused ${label} parameter`, safe: true, preferred: true, edits: [edit] }];
  }
  const text = source(fn.asyncSpan?.file ?? '');
  if (!fn.asyncSpan || fn.awaits || text === undefined) return undefined;
  let end = fn.asyncSpan.end;
  while (end < text.length && /[ \t]/.test(text[end])) end++;
  return [{ title: `Remove \`async\` (keep the ${label} callback)`, safe: false, edits: [replaceSpan({ ...fn.asyncSpan, end }, '')] }];
}

/** The offset after a trailing `,` (and the blanks around it) that follows `end`, else `end`. */
function afterTrailingComma(text: string | undefined, end: number): number {
  const m = text === undefined ? null : /^\s*,\s*/.exec(text.slice(end));
  return m ? end + m[0].length : end;
}

export const asyncHookWithDone: Rule = {
  id: 'async-hook-with-done',
  summary: 'an `async` hook that also declares the `done` callback',
  why: 'An async hook finishes when its promise settles; a `done` parameter is never the right signal. Fastify rejects most such hooks at boot with FST_ERR_HOOK_INVALID_ASYNC_HANDLER, and where it does not, calling `done` as well runs the chain twice.',
  wrong: "app.addHook('onRequest', async (request, reply, done) => {\n  await check(request)\n  done()\n})",
  right: "app.addHook('onRequest', async (request, reply) => {\n  await check(request)\n})",
  defaultSeverity: 'error',
  check({ graph, source }) {
    const out: RuleFinding[] = [];
    const visit = (ctx: (typeof graph.apps)[number]['root']) => {
      for (const hook of ctx.hooks) {
        const expected = ASYNC_PARAMS[hook.name];
        if (hook.style !== 'async' || hook.params === undefined || expected === undefined || hook.params <= expected) continue;
        const throws = addHookThrows(hook.name, hook.params);
        out.push({
          message: `async '${hook.name}' hook declares ${hook.params} parameters: its async form takes ${expected}; drop \`done\` and let the promise finish the hook${throws ? ' (addHook throws FST_ERR_HOOK_INVALID_ASYNC_HANDLER at boot)' : ''}`,
          span: hook.handlerSpan ?? hook.span,
          fixes: () => doneFixes(hook, expected, source) ?? [],
        });
      }
      for (const child of ctx.children) visit(child);
    };
    for (const app of graph.apps) visit(app.root);
    return out;
  },
};
