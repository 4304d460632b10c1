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

  it('response $refs (fast-json-stringify) and nested request $refs: reported where the id is not visible, each failing at ready; silent where it resolves or a serializer compiler is set', () => {
    const bad: [string, string[], string][] = [
      ['ref-response-child', ["app.register(async (c) => { c.addSchema({ $id: 'user', type: 'object' }) })", "app.get('/u', { schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({}))"], 'FST_ERR_SCH_SERIALIZATION_BUILD'],
      ['ref-response-content', ["app.get('/u', { schema: { response: { 200: { content: { 'application/json': { schema: { $ref: 'user#' } } } } } } }, async () => ({}))"], 'FST_ERR_SCH_SERIALIZATION_BUILD'],
      ['ref-response-reply-serializer', ['app.setReplySerializer((p) => JSON.stringify(p))', "app.get('/u', { schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({}))"], 'FST_ERR_SCH_SERIALIZATION_BUILD'],
      ['ref-nested-body', ["app.post('/u', { schema: { body: { type: 'object', properties: { a: { $ref: 'nope#' } } } } }, async () => ({}))"], 'FST_ERR_SCH_VALIDATION_BUILD'],
    ];
    for (const [name, body, code] of bad) {
      const r = check(name, { 'app.js': appJs('fastify', body) });
      assert.deepEqual(r.findings.map((f) => f.code), ['unknown-schema-ref'], name);
      assert.match(r.findings[0].message, new RegExp(code), name);
      assert.equal(boot(r.dir), code, name);
    }
    const ok: [string, string[]][] = [
      ['ref-response-parent', ["app.addSchema({ $id: 'user', type: 'object' })", "app.get('/u', { schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({}))"]],
      ['ref-response-serializer', ['app.setSerializerCompiler(() => (d) => JSON.stringify(d))', "app.get('/u', { schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({}))"]],
      ['ref-response-route-serializer', ["app.get('/u', { serializerCompiler: () => (d) => JSON.stringify(d), schema: { response: { 200: { $ref: 'user#' } } } }, async () => ({}))"]],
      ['ref-own-id', ["app.post('/u', { schema: { body: { $id: 'own', type: 'object', definitions: { a: { type: 'string' } }, properties: { a: { $ref: 'own#/definitions/a' } } } } }, async () => ({}))"]],
      ['ref-data', ["app.post('/u', { schema: { body: { type: 'object', properties: { a: { type: 'object', default: { $ref: 'not-a-ref' } } } } } }, async () => ({}))"]],
    ];
    for (const [name, body] of ok) {
      const r = check(name, { 'app.js': appJs('fastify', body) });
      assert.deepEqual(r.findings, [], name);
      assert.equal(boot(r.dir), 'ok', name);
    }
  });
});
