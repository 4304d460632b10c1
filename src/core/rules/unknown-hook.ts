import type { FastifyMajor } from '../model';
import { replaceSpan } from '../fixes/text-edits';
import { closest, walkContexts } from './rule-utils';
import type { Rule, RuleFinding } from './types';

const V3_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onTimeout', 'onError', 'onRoute', 'onRegister', 'onReady', 'onClose'];
const V4_HOOKS = [...V3_HOOKS, 'onRequestAbort', 'onListen', 'preClose'];

/** The hook names Fastify of a major accepts (4.x: the latest minor's; see the semantics doc, 4.1). */
export function hookNames(major: FastifyMajor): string[] {
  return major === 3 ? V3_HOOKS : V4_HOOKS;
}

export const unknownHook: Rule = {
  id: 'unknown-hook',
  summary: '`addHook` with a name Fastify does not have (suggests the closest)',
  why: 'Fastify rejects an unknown hook name with FST_ERR_HOOK_NOT_SUPPORTED (Fastify 4 crashes the process); a typo never runs silently.',
  wrong: "app.addHook('onRequests', async (request) => {\n  request.log.info('hi')\n})",
  right: "app.addHook('onRequest', async (request) => {\n  request.log.info('hi')\n})",
  defaultSeverity: 'error',
  check({ graph }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      const names = hookNames(app.fastifyMajor);
      walkContexts(app, (ctx) => {
        for (const hook of ctx.hooks) {
          if (hook.kind !== 'unknown' || names.includes(hook.name)) continue;
          const suggestion = closest(hook.name, names);
          const nameSpan = hook.nameSpan;
          out.push({
            message: `Fastify ${app.fastifyMajor} has no '${hook.name}' hook${suggestion ? `: did you mean '${suggestion}'?` : ''} (addHook throws FST_ERR_HOOK_NOT_SUPPORTED)`,
            // The hook name as written when it is a literal in the call, else the whole call.
            span: hook.nameSpan ?? hook.span,
            // The name literal written in the call: its text between the quotes becomes the suggestion.
            ...(suggestion && nameSpan
              ? { fixes: () => [{ title: `Rename to '${suggestion}'`, safe: true, preferred: true, edits: [replaceSpan({ ...nameSpan, start: nameSpan.start + 1, end: nameSpan.end - 1 }, suggestion)] }] }
              : {}),
          });
        }
      });
    }
    return out;
  },
};
