import * as assert from 'node:assert/strict';
import { appJs, boot, check } from '../support/rule-workspace';

const refRoute = "app.post('/users', { schema: { body: { $ref: 'user#' } } }, async () => 1)";

describe('rules: unknown-schema-ref with validators Fastify does not set up itself', () => {
  it('reported with the default validator (fails at ready); silent, with a note, where another validator compiles the schemas (and they boot)', () => {
    const plain = check('ref-default', { 'app.js': appJs('fastify', [refRoute]) });
    assert.deepEqual(plain.findings.map((f) => f.code), ['unknown-schema-ref']);
    assert.equal(boot(plain.dir), 'FST_ERR_SCH_VALIDATION_BUILD');

    const cases: [string, string[], string, RegExp][] = [
      ['ref-set-compiler', ['app.setValidatorCompiler(() => () => true)', refRoute], '', /custom validator compiler/],
      ['ref-route-compiler', ["app.post('/users', { schema: { body: { $ref: 'user#' } }, validatorCompiler: () => () => true }, async () => 1)"], '', /its own validatorCompiler/],
      ['ref-ajv-schemas', [refRoute], "{ ajv: { customOptions: { schemas: [{ $id: 'user', type: 'object' }] } } }", /ajv\.customOptions\.schemas/],
    ];
    for (const [name, body, options, why] of cases) {
      const r = check(name, { 'app.js': appJs('fastify', body, options) });
      assert.deepEqual(r.findings, [], name);
      assert.ok(r.notes.some((n) => n.id === 'unknown-schema-ref' && why.test(n.message)), `${name}: ${JSON.stringify(r.notes)}`);
      assert.equal(boot(r.dir), 'ok', name);
    }
  });
});
