import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { applyEdits, chooseFixes } from '../../src/core/fixes/apply-fixes';
import { paramsSchemaForUrl } from '../../src/core/fixes/route-schema';
import type { WorkspaceGraph } from '../../src/core/model';
import { SchemaCompiler } from '../../src/core/rules/ajv-config';
import { cliSeverities, fixesOf, type Finding } from '../../src/core/rules';
import { appJs, boot, check, inject } from '../support/rule-workspace';
import { FASTIFY_PACKAGE } from '../support/temp-workspace';

/** The editor's view: the schema hints on. */
const EDITOR = { ...cliSeverities(), 'missing-schema': 'hint', 'missing-response-schema': 'hint' } as const;

const titles = (f: Finding) => (fixesOf(f) ?? []).map((x) => `${x.title}${x.safe ? ' (safe)' : ''}`);

/** Applies the first fix of each finding of `code` (one per place: fixes that touch are not combined) to one file; returns the new text. */
function applyFirstFixes(file: string, findings: Finding[], code: string, pick = (f: Finding) => fixesOf(f)?.[0]): string {
  const candidates = findings.filter((f) => f.code === code && pick(f)).map((f) => ({ fix: pick(f)! }));
  const { chosen } = chooseFixes(candidates);
  return applyEdits(fs.readFileSync(file, 'utf8'), chosen.flatMap((c) => c.fix.edits));
}

/** Every known request and response schema of the graph compiles with the project's Ajv setup. */
function assertSchemasCompile(graph: WorkspaceGraph): number {
  let n = 0;
  for (const app of graph.apps) {
    const compiler = SchemaCompiler.for(app, []);
    for (const r of app.routes) {
      if (r.implicitHead || !r.schema) continue;
      const parts = [r.schema.body, r.schema.querystring, r.schema.params].filter((p) => p).map((p) => p!.value);
      for (const v of Object.values(r.schema.responseValues ?? {})) parts.push(v.value);
      for (const schema of parts) {
        assert.ok(schema !== undefined, `${r.url}: schema known`);
        const result = compiler.compile(schema);
        assert.deepEqual(result, { ok: true }, `${r.url}: ${JSON.stringify(schema)}`);
        n++;
      }
    }
  }
  return n;
}

describe('schema quick fixes', () => {
  describe('params-schema-mismatch: rewrite the params schema to fit the URL', () => {
    it('keeps the schemas of URL params (and of a renamed one), adds the wildcard, optional last param not required; the fixed app serves the URLs', () => {
      const { dir, findings } = check('schema-fix-params', {
        'app.js': appJs('fastify', [
          "app.get('/users/:id', { schema: { params: { type: 'object', properties: { userId: { type: 'integer' } }, required: ['userId'] } } }, async (request) => ({ id: request.params.id }))",
          "app.get('/files/:dir/*', { schema: { params: { type: 'object', properties: { dir: { type: 'string', minLength: 2 } }, additionalProperties: false } } }, async (request) => request.params)",
          "app.get('/opt/:a/:b?', { schema: { params: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a', 'b'] } } }, async (request) => request.params)",
        ]),
      });
      const mine = findings.filter((f) => f.code === 'params-schema-mismatch');
      assert.ok(mine.length >= 3);
      assert.deepEqual([...new Set(mine.flatMap(titles))], ['Rewrite schema.params to fit /users/:id', 'Rewrite schema.params to fit /files/:dir/*', 'Rewrite schema.params to fit /opt/:a/:b?']);
      assert.deepEqual(inject(dir, ['GET /users/5', 'GET /files/ab/x/y', 'GET /opt/x']).map((r) => r.slice(0, 3)), ['400', '200', '400']);
      const file = path.join(dir, 'app.js');
      const text = applyFirstFixes(file, mine, 'params-schema-mismatch');
      assert.match(text, /params: \{ type: 'object', properties: \{ id: \{ type: 'integer' \} \}, required: \['id'\] \}/);
      assert.match(text, /params: \{ type: 'object', properties: \{ dir: \{ type: 'string', minLength: 2 \}, '\*': \{ type: 'string' \} \}, required: \['dir', '\*'\], additionalProperties: false \}/);
      assert.match(text, /params: \{ type: 'object', properties: \{ a: \{ type: 'string' \}, b: \{ type: 'string' \} \}, required: \['a'\] \}/);
      fs.writeFileSync(file, text);
      assert.deepEqual(inject(dir, ['GET /users/5', 'GET /users/x', 'GET /files/ab/x/y', 'GET /files/a/x', 'GET /opt/x', 'GET /opt/x/y']), [
        '200 {"id":5}',
        inject(dir, ['GET /users/x'])[0],
        '200 {"dir":"ab","*":"x/y"}',
        inject(dir, ['GET /files/a/x'])[0],
        '200 {"a":"x"}',
        '200 {"a":"x","b":"y"}',
      ]);
      assert.match(inject(dir, ['GET /users/x'])[0], /^400 .*must be integer/, 'the integer schema of the typo is kept');
      assert.match(inject(dir, ['GET /files/a/x'])[0], /^400 .*must NOT have fewer than 2 characters/, 'the existing property schema is kept');
      const again = check('schema-fix-params', { 'app.js': text });
      assert.deepEqual(again.findings.filter((f) => f.code === 'params-schema-mismatch' || f.code === 'invalid-json-schema'), []);
      assertSchemasCompile(again.graph);
    });

    it('offers nothing for a params schema not written in the route (a shared variable)', () => {
      const { findings } = check('schema-fix-params-shared', {
        'app.js': appJs('fastify', ["const params = { type: 'object', properties: { userId: { type: 'string' } }, required: ['userId'] }", "app.get('/users/:id', { schema: { params } }, async (request) => request.params)"]),
      });
      const mine = findings.filter((f) => f.code === 'params-schema-mismatch');
      assert.equal(mine.length, 1);
      assert.deepEqual(mine.flatMap(titles), []);
    });

    it('the params schema of a URL follows find-my-way (regex params, :: literal colon, optional last)', () => {
      assert.deepEqual(paramsSchemaForUrl('/a/:id(^\\d+$)/b::c/:name-:ext/*'), {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, ext: { type: 'string' }, '*': { type: 'string' } },
        required: ['id', 'name', 'ext', '*'],
      });
      assert.deepEqual(paramsSchemaForUrl('/x/:id?'), { type: 'object', properties: { id: { type: 'string' } } });
      assert.equal(paramsSchemaForUrl('/x/*/y'), undefined);
    });
  });

  describe('missing-schema: params from the URL, body and querystring from the handler\'s reads', () => {
    it('writes the part into the schema object, the options, or new options; the schemas compile, invalid-json-schema stays silent, the app validates', () => {
      const { dir, findings } = check('schema-fix-missing', {
        'app.js': appJs('fastify', [
          "app.get('/a/:id', async (request) => ({ id: request.params.id }))",
          "app.get('/b/:id/*', { config: { x: 1 } }, async (request) => request.params)",
          "app.get('/c/:id', { schema: { description: 'c' } }, async (request) => ({ id: request.params.id }))",
          'app.post(\'/d\', async (request) => { const { name, address: { city } } = request.body; return { name, city, tags: request.body.tags.map(String) } })',
          "app.get('/q', async (request) => ({ page: request.query.page, size: request.query['page-size'] }))",
          'app.post(\'/raw\', async (request) => request.body)',
        ]),
      }, FASTIFY_PACKAGE, EDITOR);
      const mine = findings.filter((f) => f.code === 'missing-schema');
      assert.deepEqual(mine.map(titles), [
        ['Add schema.params for /a/:id'],
        ['Add schema.params for /b/:id/*'],
        ['Add schema.params for /c/:id'],
        ["Add schema.body (from the handler's reads of request.body)"],
        ["Add schema.querystring (from the handler's reads of request.query)"],
        [],
      ], 'a body used as a whole gets no skeleton (it may not be an object)');
      const file = path.join(dir, 'app.js');
      const text = applyFirstFixes(file, mine, 'missing-schema');
      assert.equal(text.split('\n').slice(3, 9).join('\n'), [
        "  app.get('/a/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } }, async (request) => ({ id: request.params.id }))",
        "  app.get('/b/:id/*', { schema: { params: { type: 'object', properties: { id: { type: 'string' }, '*': { type: 'string' } }, required: ['id', '*'] } }, config: { x: 1 } }, async (request) => request.params)",
        "  app.get('/c/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, description: 'c' } }, async (request) => ({ id: request.params.id }))",
        "  app.post('/d', { schema: { body: { type: 'object', properties: { name: {}, address: { type: 'object', properties: { city: {} } }, tags: {} } } } }, async (request) => { const { name, address: { city } } = request.body; return { name, city, tags: request.body.tags.map(String) } })",
        "  app.get('/q', { schema: { querystring: { type: 'object', properties: { page: {}, 'page-size': {} } } } }, async (request) => ({ page: request.query.page, size: request.query['page-size'] }))",
        "  app.post('/raw', async (request) => request.body)",
      ].join('\n'));
      fs.writeFileSync(file, text);
      const again = check('schema-fix-missing', { 'app.js': text }, FASTIFY_PACKAGE, EDITOR);
      assert.deepEqual(again.findings.filter((f) => f.code === 'invalid-json-schema' || f.code === 'params-schema-mismatch'), []);
      assert.deepEqual(again.findings.filter((f) => f.code === 'missing-schema').map((f) => f.message.slice(0, 10)), ['POST /raw:']);
      assert.equal(assertSchemasCompile(again.graph), 5);
      const out = boot(dir, `
        const r = [];
        for (const o of [
          { method: 'GET', url: '/a/1' }, { method: 'GET', url: '/b/1/x/y' },
          { method: 'POST', url: '/d', payload: { name: 'n', address: { city: 'c' }, tags: [1] } },
          { method: 'POST', url: '/d', payload: { name: 'n' } },
          { method: 'POST', url: '/d', payload: '"text"', headers: { 'content-type': 'application/json' } },
          { method: 'GET', url: '/q?page=2&page-size=5' },
        ]) { const res = await app.inject(o); r.push(res.statusCode + ' ' + res.body.slice(0, 120)) }
        console.log(JSON.stringify(r))`);
      assert.deepEqual(JSON.parse(out), [
        '200 {"id":"1"}',
        '200 {"id":"1","*":"x/y"}',
        '200 {"name":"n","city":"c","tags":["1"]}',
        JSON.parse(out)[3],
        JSON.parse(out)[4],
        '200 {"page":"2","size":"5"}',
      ]);
      assert.match(JSON.parse(out)[3], /^500 /, 'without address the handler still throws: the skeleton requires nothing');
      assert.match(JSON.parse(out)[4], /^400 .*body must be object/, 'a body that is not an object is now rejected');
    });
  });

  describe('schema skeletons from the route\'s TypeScript generic', () => {
    const TS_APP = [
      "import fastify from 'fastify'",
      '',
      'interface Address { city: string; zip?: string }',
      "type Role = 'admin' | 'user'",
      'interface User { name: string; age?: number; role: Role; address: Address; tags: string[]; active: boolean | null; meta: Map<string, string> }',
      'interface Query { page?: number; sort: \'asc\' | \'desc\'; ids?: Array<number> }',
      '',
      'export default function build () {',
      '  const app = fastify()',
      '  app.post<{ Body: User; Querystring: Query; Reply: { 200: { id: number; user: User }; 404: { message: string } } }>(\'/users\', async (request) => ({ id: request.query.page ?? 1, user: request.body, secret: \'s\' }))',
      '  app.get<{ Reply: { ok: boolean; at: Date } }>(\'/health\', async () => ({ ok: true, at: new Date(0), extra: 1 }))',
      '  app.get(\'/plain\', async (request) => ({ n: 1, s: `x${request.id}`, list: [1, 2], nested: { b: !request.id }, who: request.id }))',
      '  app.get(\'/spread\', async (request) => { if (request.id) return { ...request.headers, id: 1 }; return { other: \'x\' } })',
      '  return app',
      '}',
      '',
    ].join('\n');

    it('body, querystring and response 200 from the type (same-file interfaces and aliases, enums, optional members), else from the returned literal; the transpiled app boots and validates', () => {
      const { dir, findings } = check('schema-fix-ts', { 'app.ts': TS_APP }, FASTIFY_PACKAGE, EDITOR);
      const byTitle = findings.filter((f) => f.code === 'missing-schema' || f.code === 'missing-response-schema').map((f) => `${f.code} ${f.message.split(' ').slice(0, 2).join(' ')}: ${titles(f).join(' | ')}`);
      assert.deepEqual(byTitle, [
        "missing-response-schema POST /users: Add schema.response 200 (from the route's Reply type)",
        "missing-schema POST /users:: Add schema.body (from the route's Body type) | Add schema.querystring (from the route's Querystring type)",
        "missing-response-schema GET /health: Add schema.response 200 (from the route's Reply type)",
        'missing-response-schema GET /plain: Add schema.response 200 (from what the handler returns)',
        'missing-response-schema GET /spread: Add schema.response 200 (from what the handler returns)',
      ]);
      const file = path.join(dir, 'app.ts');
      const body = fixesOf(findings.find((f) => f.code === 'missing-schema')!)![0];
      assert.match(applyEdits(TS_APP, body.edits), /body: \{ type: 'object', properties: \{ name: \{ type: 'string' \}, age: \{ type: 'number' \}, role: \{ type: 'string', enum: \['admin', 'user'\] \}, address: \{ type: 'object', properties: \{ city: \{ type: 'string' \}, zip: \{ type: 'string' \} \}, required: \['city'\] \}, tags: \{ type: 'array', items: \{ type: 'string' \} \}, active: \{ type: \['boolean', 'null'\] \}, meta: \{\} \}, required: \['name', 'role', 'address', 'tags', 'active', 'meta'\] \}/);
      // Step by step, as a user would: body, then querystring (same place), then the responses.
      let text = applyEdits(TS_APP, body.edits);
      fs.writeFileSync(file, text);
      let round = check('schema-fix-ts', { 'app.ts': text }, FASTIFY_PACKAGE, EDITOR);
      text = applyFirstFixes(file, round.findings, 'missing-schema');
      assert.match(text, /querystring: \{ type: 'object', properties: \{ page: \{ type: 'number' \}, sort: \{ type: 'string', enum: \['asc', 'desc'\] \}, ids: \{ type: 'array', items: \{ type: 'number' \} \} \}, required: \['sort'\] \}/);
      fs.writeFileSync(file, text);
      round = check('schema-fix-ts', { 'app.ts': text }, FASTIFY_PACKAGE, EDITOR);
      text = applyFirstFixes(file, round.findings, 'missing-response-schema');
      assert.match(text, /response: \{ 200: \{ type: 'object', properties: \{ ok: \{ type: 'boolean' \}, at: \{ type: 'string', format: 'date-time' \} \}, required: \['ok', 'at'\] \} \}/);
      assert.match(text, /response: \{ 200: \{ type: 'object', properties: \{ n: \{ type: 'number' \}, s: \{ type: 'string' \}, list: \{ type: 'array', items: \{ type: 'number' \} \}, nested: \{ type: 'object', properties: \{ b: \{ type: 'boolean' \} \} \}, who: \{\} \} \} \}/);
      assert.match(text, /response: \{ 200: \{ type: 'object', properties: \{ id: \{ type: 'number' \}, other: \{ type: 'string' \} \}, additionalProperties: true \} \}/);
      fs.writeFileSync(file, text);
      const final = check('schema-fix-ts', { 'app.ts': text }, FASTIFY_PACKAGE, EDITOR);
      assert.deepEqual(final.findings.map((f) => f.code), [], 'no schema hint left, invalid-json-schema silent');
      assert.equal(assertSchemasCompile(final.graph), 6);
      // Boot the transpiled result with real fastify.
      const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      fs.writeFileSync(path.join(dir, 'app.js'), js + '\nmodule.exports = exports.default\n');
      const out = boot(dir, `
        const r = [];
        const user = { name: 'n', role: 'admin', address: { city: 'c' }, tags: ['t'], active: null, meta: {} };
        for (const o of [
          { method: 'POST', url: '/users?sort=asc&page=2', payload: user },
          { method: 'POST', url: '/users?sort=up', payload: user },
          { method: 'POST', url: '/users?sort=asc', payload: { ...user, role: 'root' } },
          { method: 'GET', url: '/health' },
          { method: 'GET', url: '/plain' },
          { method: 'GET', url: '/spread', headers: { 'x-a': 'b' } },
        ]) { const res = await app.inject(o); r.push(res.statusCode + ' ' + res.body) }
        console.log(JSON.stringify(r))`);
      const got = JSON.parse(out) as string[];
      assert.equal(got[0], '200 {"id":2,"user":{"name":"n","role":"admin","address":{"city":"c"},"tags":["t"],"active":null,"meta":{}}}', 'the Reply schema leaves out the secret');
      assert.match(got[1], /^400 .*querystring\/sort must be equal to one of the allowed values/);
      assert.match(got[2], /^400 .*body\/role must be equal to one of the allowed values/);
      assert.equal(got[3], '200 {"ok":true,"at":"1970-01-01T00:00:00.000Z"}');
      assert.match(got[4], /^200 \{"n":1,"s":"x.+","list":\[1,2\],"nested":\{"b":false\},"who":".+"\}$/);
      assert.match(got[5], /^200 \{"id":1,.*"x-a":"b"/, 'additionalProperties: true keeps the spread fields');
    });
  });
});
