import type { BodyFacts } from '../model';
import { RouteMemo } from './route-memo';
import { eachRequestCode, once, type Picked } from './rule-utils';
import type { Rule, RuleFinding } from './types';

/**
 * An async handler that returns a value after a `reply.send(…)` statement on the same path
 * (`BodyFacts.returnsAfterSend`). Fastify 5 (lib/wrap-thenable.js) sends a resolved value that is
 * not undefined: `reply.send` on a sent reply logs FST_ERR_REP_ALREADY_SENT at warn and keeps the
 * first payload (lib/reply.js). Returning the reply, or nothing, is the documented form.
 */
export const asyncHandlerSendAndReturn: Rule = {
  id: 'async-handler-send-and-return',
  summary: 'an async handler that calls `reply.send()` and then returns a value',
  why: 'An async handler\'s resolved value is sent. After `reply.send()` the reply is already sent, so Fastify drops the returned value and logs FST_ERR_REP_ALREADY_SENT ("Reply was already sent, did you forget to \\"return reply\\"") on every such request; which of the two payloads the client gets is easy to get wrong.',
  wrong: "app.get('/user', async (request, reply) => {\n  reply.code(201).send(user)\n  return user\n})",
  right: "app.get('/user', async (request, reply) => {\n  reply.code(201).send(user)\n  return reply\n})",
  defaultSeverity: 'warning',
  check(rc) {
    const out: RuleFinding[] = [];
    const first = once();
    for (const app of rc.graph.apps) {
      // Only an async function's value is sent; a hijacked reply ignores it.
      const pick = (body: BodyFacts) => (body.async && body.returnsAfterSend.length && !body.members.some((m) => m.on === 'reply' && m.name === 'hijack') ? body.returnsAfterSend : undefined);
      eachRequestCode(rc, app, MEMO, false, pick, (found) => {
        for (const { ret, send } of found) {
          if (!first(ret)) continue;
          out.push({
            message: `this async handler already sent the reply (line ${send.line}); the value it returns is sent again: Fastify drops it and logs FST_ERR_REP_ALREADY_SENT ("Reply was already sent") — return \`reply\` or nothing after reply.send()`,
            span: ret,
            related: [{ message: 'the reply is sent here', span: send }],
          });
        }
      });
    }
    return out;
  },
};

const MEMO = new RouteMemo<readonly Picked<BodyFacts['returnsAfterSend']>[]>();
