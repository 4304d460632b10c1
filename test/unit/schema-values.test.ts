import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, Route, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

function analyze(name: string, files: Record<string, string>): WorkspaceGraph {
  const dir = writeWorkspace(`schema-values-${name}`, { 'package.json': FASTIFY_PACKAGE, ...files });
  const graph = analyzeWorkspace(dir, createNodeHost());
  assertNoInternalError(graph);
  return graph;
}

const route = (app: AppGraph, url: string): Route => {
  const r = app.routes.find((x) => x.url === url && !x.implicitHead);
  assert.ok(r, `route ${url}`);
  return r;
};

describe('schema values in the graph', () => {
  it('copies known schemas as JSON: constants, spreads of known objects, JSON modules, shared schemas, response codes', () => {
    const graph = analyze('known', {
      'schemas/user.json': JSON.stringify({ $id: 'user', type: 'object', properties: { name: { type: 'string' } } }),
      'app.js': [
        "const fastify = require('fastify')",
        "const user = require('./schemas/user.json')",
        "const id = { type: 'string', pattern: '^[0-9]+$' }",
        "const base = { type: 'object', additionalProperties: false }",
        'const app = fastify()',
        'app.addSchema(user)',
        "app.get('/u/:id', { schema: {",
        "  params: { ...base, properties: { id }, required: ['id'] },",
        "  querystring: { type: 'object', properties: { n: { type: 'integer', minimum: 1, nullable: true, default: null } } },",
        "  response: { 200: { $ref: 'user#' }, '4xx': { type: 'object', properties: { msg: { type: 'string' } } } },",
        '} }, async () => ({}))',
      ].join('\n'),
    });
    const app = graph.apps[0];
    assert.deepEqual(app.root.schemas.map((s) => [s.id, s.value, s.partial]), [['user', { $id: 'user', type: 'object', properties: { name: { type: 'string' } } }, undefined]]);
    const r = route(app, '/u/:id');
    assert.deepEqual(r.schema?.params?.value, { type: 'object', additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9]+$' } }, required: ['id'] });
    assert.equal(r.schema?.params?.partial, undefined);
    assert.deepEqual(r.schema?.querystring?.value, { type: 'object', properties: { n: { type: 'integer', minimum: 1, nullable: true, default: null } } });
    assert.deepEqual(r.schema?.responseValues, {
      200: { value: { $ref: 'user#' } },
      '4xx': { value: { type: 'object', properties: { msg: { type: 'string' } } } },
    });
    assert.equal(app.serverOptions.validation, undefined);
  });

  it('marks partial what is not known: unknown spreads and values, computed keys, builders (TypeBox), undefined', () => {
    const graph = analyze('partial', {
      'app.js': [
        "const fastify = require('fastify')",
        "const { Type } = require('@sinclair/typebox')",
        'const app = fastify()',
        "app.post('/a', { schema: {",
        "  body: { type: 'object', ...process.env.EXTRA },",
        "  querystring: { type: 'object', properties: { [process.env.KEY]: { type: 'string' } } },",
        "  params: { type: 'object', properties: { x: { type: 'string', description: process.env.DESC } } },",
        "  headers: Type.Object({ a: Type.String() }),",
        "  response: { 200: { type: 'object', default: undefined } },",
        '} }, async () => ({}))',
      ].join('\n'),
    });
    const s = route(graph.apps[0], '/a').schema!;
    assert.deepEqual([s.body?.value, s.body?.partial], [{ type: 'object' }, true]);
    assert.deepEqual([s.querystring?.value, s.querystring?.partial], [{ type: 'object', properties: {} }, true]);
    assert.deepEqual([s.params?.value, s.params?.partial], [{ type: 'object', properties: { x: { type: 'string' } } }, true]);
    assert.deepEqual([s.headers?.value, s.headers?.partial], [undefined, true]);
    assert.deepEqual(s.responseValues?.['200'], { value: { type: 'object' }, partial: true });
  });

  it('records how validation is set up: ajv options, schemaController, setValidatorCompiler, a route validatorCompiler', () => {
    const graph = analyze('setup', {
      'a.js': "const app = require('fastify')({ ajv: { customOptions: { strict: false, keywords: ['kind'] } } })\napp.get('/a', async () => 1)\n",
      'b.js': "const app = require('fastify')({ ajv: { plugins: [require('ajv-errors')] } })\napp.get('/b', async () => 1)\n",
      'c.js': "const app = require('fastify')({ schemaController: { bucket: () => ({}) } })\napp.get('/c', async () => 1)\n",
      'd.js': [
        "const app = require('fastify')({ logger: true, jsonShorthand: false })",
        'app.register(async (f) => { f.setValidatorCompiler(() => () => true); f.get(\'/d\', async () => 1) })',
        "app.get('/e', { validatorCompiler: () => () => true }, async () => 1)",
      ].join('\n'),
      'e.js': "module.exports = function build (opts) { const app = require('fastify')(opts); app.get('/f', async () => 1); return app }\n",
    });
    const byFile = (f: string) => graph.apps.find((a) => a.entry.file.endsWith(`/${f}`))!;
    assert.deepEqual(byFile('a.js').serverOptions.validation, { ajvCustomOptions: { strict: false, keywords: ['kind'] } });
    assert.deepEqual(byFile('b.js').serverOptions.validation, { unknown: 'ajv.plugins in the server options' });
    assert.deepEqual(byFile('c.js').serverOptions.validation, { unknown: 'a schemaController server option' });
    const d = byFile('d.js');
    assert.deepEqual(d.serverOptions.validation, { jsonShorthand: false });
    assert.equal(d.root.customValidation, undefined);
    assert.equal(d.root.children[0].customValidation?.length, 1);
    assert.equal(route(d, '/e').validatorCompiler, true);
    assert.equal(route(d, '/d').validatorCompiler, undefined);
    assert.deepEqual(byFile('e.js').serverOptions.validation, { unknown: 'server options not known statically' });
  });
});
