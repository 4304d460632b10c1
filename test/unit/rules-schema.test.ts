import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appJs, boot, check, inject, shown, V4_PACKAGE } from '../support/rule-workspace';

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

describe('params-schema-mismatch', () => {
  it('required names a parameter the URL does not have: every request gets 400', () => {
    const line = "app.get('/users/:id', { schema: { params: { type: 'object', properties: { userId: { type: 'integer' } }, required: ['userId'] } } }, async (req) => req.params)";
    const { dir, findings } = check('psm-required', { 'app.js': appJs('fastify', [line]) });
    // One finding: a required name is not reported again as a property that never applies.
    assert.deepEqual(shown(dir, findings).map((s) => s.split(' app.js')[0]), ['params-schema-mismatch warning']);
    assert.match(findings[0].message, /requires 'userId', which the URL \/users\/:id does not have: every request to it fails validation with 400/);
    assert.deepEqual(inject(dir, ['GET /users/1', 'GET /users/abc']).map((r) => r.slice(0, 3)), ['400', '400']);
    assert.match(inject(dir, ['GET /users/1'])[0], /params must have required property 'userId'/);
  });

  it('additionalProperties: false without the URL parameter in properties: Fastify removes it from request.params', () => {
    const line = "app.get('/a/:id/:slug', { schema: { params: { type: 'object', additionalProperties: false, properties: { id: { type: 'integer' } } } } }, async (req) => ({ id: req.params.id, slug: req.params.slug ?? 'undefined' }))";
    const { dir, findings } = check('psm-removed', { 'app.js': appJs('fastify', [line]) });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /URL parameter 'slug' is not in the params schema's properties and additionalProperties is false: .*request\.params\.slug is undefined/);
    assert.deepEqual(inject(dir, ['GET /a/1/hello']), ['200 {"id":1,"slug":"undefined"}']);
  });

  it('required names an optional URL parameter: the URL without it gets 400', () => {
    const line = "app.get('/o/:id?', { schema: { params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } }, async (req) => req.params)";
    const { dir, findings } = check('psm-optional', { 'app.js': appJs('fastify', [line]) });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /requires 'id', which is optional in the URL \/o\/:id\?: a request to \/o fails validation with 400/);
    assert.deepEqual(inject(dir, ['GET /o/x', 'GET /o']).map((r) => r.slice(0, 3)), ['200', '400']);
  });

  it('Fastify 4: the same, with its shorthand schemas wrapped', () => {
    const line = "app.get('/users/:id', { schema: { params: { userId: { type: 'integer' }, idd: { type: 'string' } } } }, async (req) => req.params)";
    const { dir, findings } = check('psm-v4', { 'app.js': appJs('fastify', [line]) }, V4_PACKAGE);
    assert.equal(findings.length, 2);
    assert.match(findings[1].message, /describes 'idd', which the URL \/users\/:id does not have \(did you mean 'id'\?\)/);
    assert.match(findings[0].message, /describes 'userId', which the URL \/users\/:id does not have: it never applies/);
    fs.writeFileSync(path.join(dir, 'app.js'), appJs('fastify4', [line]));
    assert.deepEqual(inject(dir, ['GET /users/7']), ['200 {"id":"7"}']);
  });

  it('stays silent where the schema fits, and where it cannot tell', () => {
    const { dir, findings, notes } = check('psm-silent', { 'app.js': appJs('fastify', [
      "app.get('/u/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false } } }, async (req) => req.params)",
      "app.get('/near/:lat-:lng/f/:file(^\\\\d+).png', { schema: { params: { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' }, file: { type: 'integer' } }, required: ['lat', 'lng', 'file'] } } }, async (req) => req.params)",
      "app.get('/s/*', { schema: { params: { type: 'object', properties: { '*': { type: 'string' } }, required: ['*'], additionalProperties: false } } }, async (req) => req.params)",
      // A default fills in what the URL does not give (useDefaults).
      "app.get('/d/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer', default: 1 } }, required: ['id', 'v'] } } }, async (req) => req.params)",
      "app.get('/c/:id', { schema: { params: { type: 'object', anyOf: [{ required: ['id'] }, { required: ['x'] }] } } }, async (req) => req.params)",
      "app.get('/k/:id', { schema: { params: { type: 'object', properties: { [process.env.K]: { type: 'string' } } } } }, async (req) => req.params)",
      "app.register(async (f) => { f.setValidatorCompiler(() => () => true); f.get('/z/:id', { schema: { params: { type: 'object', required: ['nope'] } } }, async (req) => req.params) })",
    ]) });
    assert.deepEqual(findings, [], shown(dir, findings).join('\n'));
    assert.ok(notes.some((n) => n.id === 'params-schema-mismatch' && /combines other schemas \(anyOf\)/.test(n.message)));
    assert.deepEqual(inject(dir, ['GET /u/1', 'GET /near/1.5-2/f/12.png', 'GET /s/a/b', 'GET /d/x', 'GET /z/1']), [
      '200 {"id":1}', '200 {"lat":1.5,"lng":2,"file":12}', '200 {"*":"a/b"}', '200 {"id":"x","v":1}', '200 {"id":"1"}',
    ]);
  });
});
