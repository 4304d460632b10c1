import { walkContexts } from './rule-utils';
import type { Rule, RuleFinding } from './types';

export const decoratorReferenceType: Rule = {
  id: 'decorator-reference-type',
  summary: '`decorateRequest`/`decorateReply` with an object or array initial value (Fastify 5 rejects it at boot; shared across requests before)',
  why: 'A reference value is one object shared by every request: data leaks between requests. Fastify 5 throws FST_ERR_DEC_REFERENCE_TYPE at boot; Fastify 4 only warns (FSTDEP006).',
  wrong: "app.decorateRequest('user', {})",
  right: "app.decorateRequest('user', null)\napp.addHook('onRequest', async (request) => {\n  request.user = {}\n})",
  defaultSeverity: 'error',
  check({ graph }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      walkContexts(app, (ctx) => {
        for (const dec of ctx.decorators) {
          if (dec.target === 'instance' || (dec.valueKind !== 'object' && dec.valueKind !== 'array')) continue;
          const call = dec.target === 'request' ? 'decorateRequest' : 'decorateReply';
          const kind = dec.valueKind === 'array' ? 'an array' : 'an object';
          out.push(
            app.fastifyMajor >= 5
              ? { message: `${call}('${dec.name}') with ${kind}: Fastify 5 throws FST_ERR_DEC_REFERENCE_TYPE at boot; use null and set it in an onRequest hook, or a { getter }`, span: dec.span }
              : {
                  message: `${call}('${dec.name}') with ${kind}: one value shared by every ${dec.target} (Fastify ${app.fastifyMajor} only warns; 5 rejects it); use null and set it in an onRequest hook, or a { getter }`,
                  span: dec.span,
                  defaultSeverity: 'warning',
                },
          );
        }
      });
    }
    return out;
  },
};
