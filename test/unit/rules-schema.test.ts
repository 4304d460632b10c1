import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appJs, boot, check, shown, V4_PACKAGE } from '../support/rule-workspace';

const only = (code: string, findings: { code: string }[]) => findings.filter((f) => f.code === code);

describe('invalid-json-schema', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown keyword', "app.post('/a', { schema: { body: { type: 'object', properties: { name: { type: 'string', example: 'Ada' } } } } }, async () => 1)", /unknown keyword: "example"/],
    ['v4 shorthand on Fastify 5', "app.get('/a', { schema: { querystring: { name: { type: 'string' } } } }, async () => 1)", /unknown keyword: "name"/],
    ['bad type', "app.get('/a/:id', { schema: { params: { type: 'object', properties: { id: { type: 'strin' } } } } }, async () => 1)", /schema is invalid: data\/properties\/id\/type must be equal to one of the allowed values/],
    ['required not an array', "app.get('/a', { schema: { headers: { type: 'object', required: 'x-token' } } }, async () => 1)", /data\/required must be array/],
    ['invalid pattern', "app.get('/a', { schema: { querystring: { type: 'object', properties: { q: { type: 'string', pattern: '([' } } } } }, async () => 1)", /Invalid regular expression/],
    ['unknown format', "app.post('/a', { schema: { body: { content: { 'application/json': { schema: { type: 'string', format: 'emial' } } } } } }, async () => 1)", /^body content 'application\/json' schema: .*unknown format "emial"/],
  ];
  for (const [name, line, message] of cases) {
    it(`${name}: reported on the schema, and Fastify 5 does not start (FST_ERR_SCH_VALIDATION_BUILD)`, () => {
      const { dir, findings } = check(`ijs-${name.replace(/\W+/g, '-')}`, { 'app.js': appJs('fastify', [line]) });
      assert.equal(findings.length, 1, shown(dir, findings).join('\n'));
      assert.equal(findings[0].code, 'invalid-json-schema');
      assert.equal(findings[0].severity, 'error');
      assert.match(findings[0].message, message);
      assert.match(fs.readFileSync(findings[0].span.file, 'utf8').slice(findings[0].span.start, findings[0].span.end), /^\{/);
      assert.equal(boot(dir), 'FST_ERR_SCH_VALIDATION_BUILD');
    });
  }

  it('Fastify 4: an unknown keyword fails too; its shorthand schemas are wrapped and compile', () => {
    const bad = check('ijs-v4', { 'app.js': appJs('fastify', ["app.post('/a', { schema: { body: { type: 'object', example: {} } } }, async () => 1)"]) }, V4_PACKAGE);
    assert.deepEqual(shown(bad.dir, bad.findings), ['invalid-json-schema error app.js:4 { type: \'object\', example: {} }']);
    fs.writeFileSync(path.join(bad.dir, 'app.js'), appJs('fastify4', ["app.post('/a', { schema: { body: { type: 'object', example: {} } } }, async () => 1)"]));
    assert.equal(boot(bad.dir), 'FST_ERR_SCH_VALIDATION_BUILD');
    const shorthand = ["app.get('/a', { schema: { querystring: { name: { type: 'string' } } } }, async () => 1)"];
    const ok = check('ijs-v4-shorthand', { 'app.js': appJs('fastify', shorthand) }, V4_PACKAGE);
    assert.deepEqual(ok.findings, []);
    fs.writeFileSync(path.join(ok.dir, 'app.js'), appJs('fastify4', shorthand));
    assert.equal(boot(ok.dir), 'ok');
  });

  it('shared schemas: one Ajv rejects is reported at its addSchema when a route in scope validates; an unknown keyword when a request schema refers to it', () => {
    const meta = check('ijs-shared-meta', { 'app.js': appJs('fastify', [
      "app.addSchema({ $id: 'user', type: 'object', required: 'name' })",
      "app.post('/a', { schema: { body: { type: 'object' } } }, async () => 1)",
    ]) });
    assert.deepEqual(shown(meta.dir, meta.findings), ["invalid-json-schema error app.js:4 addSchema({ $id: 'user', type: 'object', required: 'name' })"]);
    assert.equal(boot(meta.dir), 'schema is invalid: data/required must be array');

    const strict = check('ijs-shared-strict', { 'app.js': appJs('fastify', [
      "app.addSchema({ $id: 'user', type: 'object', properties: { name: { type: 'string', example: 'Ada' } } })",
      "app.post('/a', { schema: { body: { $ref: 'user#' } } }, async () => 1)",
      "app.post('/b', { schema: { body: { type: 'object', properties: { u: { $ref: 'user#' } } } } }, async () => 1)",
    ]) });
    // Reported once, on the shared schema, not on the routes that refer to it.
    assert.deepEqual(shown(strict.dir, strict.findings), ["invalid-json-schema error app.js:4 addSchema({ $id: 'user', type: 'object', properties: { name: { type: 'string', example: 'Ada' } } })"]);
    assert.match(strict.findings[0].message, /unknown keyword: "example"/);
    assert.equal(boot(strict.dir), 'FST_ERR_SCH_VALIDATION_BUILD');
  });

  it('stays silent, and the app boots: valid schemas, formats, $refs and pointers into shared schemas, response schemas, unreferenced shared schemas, ajv options that allow the keyword, custom validators', () => {
    const files = {
      'app.js': appJs('fastify', [
        "app.addSchema({ $id: 'user', type: 'object', properties: { name: { type: 'string' } } })",
        // Only a response refers to it: fast-json-stringify does not run Ajv's strict mode.
        "app.addSchema({ $id: 'doc', type: 'object', example: { a: 1 } })",
        "app.post('/u/:id', { schema: {",
        "  params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },",
        "  body: { $ref: 'user#' },",
        "  querystring: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email', nullable: true }, n: { $ref: 'user#/properties/name' } } },",
        "  headers: { type: 'object', properties: { 'X-Token': { type: 'string', pattern: '^[a-z]+$' } } },",
        "  response: { 200: { $ref: 'doc#' }, 400: { type: 'object', example: {} } },",
        '} }, async () => ({}))',
        "app.register(async (f) => { f.setValidatorCompiler(() => () => true); f.get('/c', { schema: { querystring: { q: { type: 'string' } } } }, async () => 1) })",
        "app.get('/r', { validatorCompiler: () => () => true, schema: { querystring: { example: 1 } } }, async () => 1)",
        "app.get('/t', { schema: { querystring: require('./typebox-like')() } }, async () => 1)",
      ]),
      // Not known statically (a value from the environment): not checked. (`example: undefined` would fail: Ajv sees the key.)
      'typebox-like.js': "module.exports = () => ({ type: 'object', properties: { q: { type: process.env.Q_TYPE || 'string' } } })\n",
    };
    const { dir, findings } = check('ijs-silent', files);
    assert.deepEqual(only('invalid-json-schema', findings), [], shown(dir, findings).join('\n'));
    assert.equal(boot(dir), 'ok');

    const relaxed = check('ijs-options', { 'app.js': appJs('fastify', [
      "app.post('/a', { schema: { body: { type: 'object', example: {}, kind: 'x' } } }, async () => 1)",
    ], "{ ajv: { customOptions: { keywords: ['example', 'kind'] } } }") });
    assert.deepEqual(relaxed.findings, []);
    assert.equal(boot(relaxed.dir), 'ok');
    const plugins = check('ijs-plugins', { 'app.js': appJs('fastify', [
      "app.post('/a', { schema: { body: { type: 'object', example: {} } } }, async () => 1)",
    ], "{ ajv: { plugins: [(ajv) => ajv.addKeyword('example')] } }") });
    assert.deepEqual(plugins.findings, []);
    assert.ok(plugins.notes.some((n) => n.id === 'invalid-json-schema' && /ajv\.plugins/.test(n.message)));
    assert.equal(boot(plugins.dir), 'ok');
  });
});
