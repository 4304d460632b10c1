import type { Decorator } from '../model';
import { indentContinuation, indentUnit, insertAfterStatement, replaceSpan } from '../fixes/text-edits';
import { present, walkContexts } from './rule-utils';
import type { Fix, Rule, RuleFinding, RuleContext } from './types';

/**
 * The `null` + `onRequest` pattern Fastify's docs give: the value becomes `null` and a hook added
 * right after, on the same instance, sets a fresh copy on each request or reply. Offered only for
 * an object or array literal written in the call (a variable would still be one shared object)
 * and a call that is a statement of its own on a plain receiver (`app`, `this`, `fastify.x`).
 * Not safe: the value now exists from onRequest on, where it existed before the request hooks.
 */
function nullAndHookFix(dec: Decorator, source: RuleContext['source']): Fix | undefined {
  const { valueSpan, statementSpan } = dec;
  const text = source(dec.span.file);
  if (!valueSpan || !statementSpan || text === undefined) return undefined;
  const value = text.slice(valueSpan.start, valueSpan.end);
  const receiver = text.slice(statementSpan.start, dec.span.start).replace(/\??\.\s*$/, '').trim();
  if (!/^[[{]/.test(value) || !/^[\w$]+(\.[\w$]+)*$/.test(receiver)) return undefined;
  const statement = text.slice(statementSpan.start, statementSpan.end);
  const quote = statement.includes('"') && !statement.includes("'") ? '"' : "'";
  const semi = statement.trimEnd().endsWith(';') ? ';' : '';
  const unit = indentUnit(text);
  const param = dec.target === 'request' ? 'request' : 'reply';
  const prop = /^[A-Za-z_$][\w$]*$/.test(dec.name) ? `.${dec.name}` : `[${quote}${dec.name}${quote}]`;
  return {
    title: `Use null and set a fresh value in an onRequest hook`,
    safe: false,
    edits: [
      replaceSpan(valueSpan, 'null'),
      insertAfterStatement(text, statementSpan, [
        `${receiver}.addHook(${quote}onRequest${quote}, async (${dec.target === 'request' ? 'request' : 'request, reply'}) => {`,
        `${unit}${param}${prop} = ${indentContinuation(value, unit)}`,
        `})${semi}`,
      ]),
    ],
  };
}

export const decoratorReferenceType: Rule = {
  id: 'decorator-reference-type',
  summary: '`decorateRequest`/`decorateReply` with an object or array initial value (Fastify 5 rejects it at boot; shared across requests before)',
  why: 'A reference value is one object shared by every request: data leaks between requests. Fastify 5 throws FST_ERR_DEC_REFERENCE_TYPE at boot; Fastify 4 only warns (FSTDEP006).',
  wrong: "app.decorateRequest('user', {})",
  right: "app.decorateRequest('user', null)\napp.addHook('onRequest', async (request) => {\n  request.user = {}\n})",
  defaultSeverity: 'error',
  check({ graph, source }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      walkContexts(app, (ctx) => {
        for (const dec of ctx.decorators) {
          if (dec.target === 'instance' || (dec.valueKind !== 'object' && dec.valueKind !== 'array')) continue;
          const call = dec.target === 'request' ? 'decorateRequest' : 'decorateReply';
          const kind = dec.valueKind === 'array' ? 'an array' : 'an object';
          const finding: RuleFinding =
            app.fastifyMajor >= 5
              ? { message: `${call}('${dec.name}') with ${kind}: Fastify 5 throws FST_ERR_DEC_REFERENCE_TYPE at boot; use null and set it in an onRequest hook, or a { getter }`, span: dec.span }
              : {
                  message: `${call}('${dec.name}') with ${kind}: one value shared by every ${dec.target} (Fastify ${app.fastifyMajor} only warns; 5 rejects it); use null and set it in an onRequest hook, or a { getter }`,
                  span: dec.span,
                  defaultSeverity: 'warning',
                };
          out.push({ ...finding, fixes: () => present(nullAndHookFix(dec, source)) });
        }
      });
    }
    return out;
  },
};
