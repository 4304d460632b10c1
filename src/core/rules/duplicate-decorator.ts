import type { Decorator } from '../model';
import { contextPaths, orderIn, walkContexts } from './rule-utils';
import type { Rule, RuleFinding } from './types';

/** Request/reply fields Fastify 5 refuses to have decorated (FST_ERR_DEC_ALREADY_PRESENT; Fastify 4 allows them). */
const V5_BUILTIN: Record<'request' | 'reply', readonly string[]> = {
  request: ['id', 'params', 'raw', 'query', 'log', 'body'],
  reply: ['raw', 'request', 'log'],
};

const CALL = { instance: 'decorate', request: 'decorateRequest', reply: 'decorateReply' } as const;

/** A value decorator (copied onto every request/reply, so a child context cannot shadow it); `unknown` is not counted. */
const isValue = (d: Decorator) => d.valueKind === 'null' || d.valueKind === 'primitive' || d.valueKind === 'object' || d.valueKind === 'array';

/**
 * Fastify's duplicate checks (`lib/decorate.js`): `decorate` throws when the name is an own
 * property of the instance (the same context, fastify-plugin plugins included; a child context
 * may shadow a parent's); `decorateRequest`/`decorateReply` throw when the name is already on this
 * context's prototype, or is a value decorator of an ancestor created before the child (values
 * are copied into the child's constructor; a function or getter may be shadowed), and on
 * Fastify 5 for the built-in fields.
 */
export const duplicateDecorator: Rule = {
  id: 'duplicate-decorator',
  summary: 'the same name decorated twice where Fastify rejects it (the same context, fastify-plugin plugins included; a parent\'s request/reply value decorator; Fastify 5 built-in request/reply fields)',
  why: 'Fastify throws FST_ERR_DEC_ALREADY_PRESENT at the second decorate call: the app does not start.',
  wrong: "app.decorate('db', connect())\napp.register(fp(async (f) => {\n  f.decorate('db', other())\n}))",
  right: "app.decorate('db', connect())\napp.register(async (f) => {\n  // an encapsulated child may shadow an instance decorator\n  f.decorate('db', other())\n})",
  defaultSeverity: 'error',
  check({ graph }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      const paths = contextPaths(app);
      const condCtx = new Set<string>();
      walkContexts(app, (ctx, cond) => {
        if (cond) condCtx.add(ctx.id);
      });
      walkContexts(app, (ctx, cond) => {
        if (cond) return;
        const own = [...ctx.decorators].filter((d) => !d.conditional).sort((a, b) => a.order - b.order);
        for (const dec of own) {
          if (dec.target !== 'instance' && app.fastifyMajor >= 5 && V5_BUILTIN[dec.target].includes(dec.name)) {
            out.push({ message: `${CALL[dec.target]}('${dec.name}'): '${dec.name}' is a built-in ${dec.target} field; Fastify 5 throws FST_ERR_DEC_ALREADY_PRESENT at boot`, span: dec.span });
            continue;
          }
          const first = own.find((d) => d !== dec && d.order < dec.order && d.target === dec.target && d.name === dec.name);
          if (first) {
            out.push({
              message: `${CALL[dec.target]}('${dec.name}'): '${dec.name}' is already decorated in this context at line ${first.span.line}: Fastify throws FST_ERR_DEC_ALREADY_PRESENT at boot`,
              span: dec.span,
              related: [{ message: `'${dec.name}' first decorated here`, span: first.span }],
            });
            continue;
          }
          if (dec.target === 'instance') continue;
          // A request/reply value decorator of an ancestor is copied into this context's constructor.
          const chain = paths.get(ctx.id) ?? [ctx];
          for (let i = chain.length - 2; i >= 0; i--) {
            const ancestor = chain[i];
            // Declared before `dec` (orders are per context: before the child on the way down was loaded).
            const before = orderIn(chain, i, dec.order);
            const parentDec = ancestor.decorators.find((d) => !d.conditional && d.target === dec.target && d.name === dec.name && isValue(d) && d.order < before);
            if (parentDec && !condCtx.has(ancestor.id)) {
              out.push({
                message: `${CALL[dec.target]}('${dec.name}'): a parent context already decorates the ${dec.target} with the value '${dec.name}' (line ${parentDec.span.line}); a value decorator cannot be shadowed: Fastify throws FST_ERR_DEC_ALREADY_PRESENT at boot`,
                span: dec.span,
                related: [{ message: `'${dec.name}' decorated here`, span: parentDec.span }],
              });
              break;
            }
          }
        }
      });
    }
    return out;
  },
};
