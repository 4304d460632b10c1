/** The editor's "Add hook…" (src/extension/model/add-hook.ts) on a real graph, and the result booted with real fastify. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { applyEdits } from '../../src/core/fixes/apply-fixes';
import { createNodeHost } from '../../src/core/node-host';
import { addHookEdit, hooksToAdd, ROUTE_HOOKS, routeAt } from '../../src/extension/model/add-hook';
import { GraphIndex } from '../../src/extension/model/graph-index';
import { boot } from '../support/rule-workspace';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const APP = [
  "const fastify = require('fastify')",
  'const handler = async () => 1',
  'const shared = { handler }',
  'function build () {',
  '  const app = fastify()',
  "  app.get('/a', async () => 'a')",
  "  app.get('/b', { schema: {} }, async () => 'b')",
  '  app.route({',
  "    method: 'GET',",
  "    url: '/c',",
  '    handler,',
  '  })',
  "  for (const r of [{ method: 'GET', url: '/d', handler }]) app.route(r)",
  "  app.get('/e', shared)",
  "  app.post('/f', { onRequest: async () => {}, handler })",
  '  return app',
  '}',
  'module.exports = build',
  '',
].join('\n');

describe('Add hook… on a route', () => {
  const dir = writeWorkspace('add-hook', { 'package.json': FASTIFY_PACKAGE, 'app.js': APP });
  const file = path.join(dir, 'app.js');
  const index = () => new GraphIndex(analyzeWorkspace(dir, createNodeHost()));
  const at = (text: string, search: string) => text.indexOf(search) + 2;

  it('finds the route under the cursor whose options are written in its declaration', () => {
    const idx = index();
    assert.equal(routeAt(idx, file, at(APP, "get('/a'"))?.route.url, '/a');
    assert.equal(routeAt(idx, file, at(APP, "url: '/c'"))?.route.url, '/c', 'anywhere inside the declaration');
    assert.equal(routeAt(idx, file, at(APP, "url: '/d'"))?.route.url, '/d', 'a route table entry');
    assert.equal(routeAt(idx, file, at(APP, "get('/e'")), undefined, 'options from a shared variable: not edited');
    assert.equal(routeAt(idx, file, at(APP, 'function build')), undefined);
    assert.deepEqual(hooksToAdd(routeAt(idx, file, at(APP, "post('/f'"))!.route), ROUTE_HOOKS.filter((h) => h !== 'onRequest'), 'a hook the route has is not offered again');
  });

  it('writes the hook as the first option (a new options object for a shorthand without one); the app boots and every route still answers', () => {
    const idx = index();
    const edits = [
      ["get('/a'", 'onRequest'],
      ["get('/b'", 'preHandler'],
      ["url: '/c'", 'onSend'],
      ["url: '/d'", 'onError'],
      ["post('/f'", 'preValidation'],
    ].map(([search, hook]) => {
      const e = addHookEdit(APP, routeAt(idx, file, at(APP, search))!.route, hook)!;
      assert.equal(APP.slice(e.start, e.end) === '' || APP.slice(e.start, e.end).startsWith('{'), true);
      return { file, ...e };
    });
    const text = applyEdits(APP, edits);
    assert.equal(
      text.split('\n').slice(5, 16).join('\n'),
      [
        "  app.get('/a', { onRequest: async (request, reply) => {} }, async () => 'a')",
        "  app.get('/b', { preHandler: async (request, reply) => {}, schema: {} }, async () => 'b')",
        '  app.route({',
        '    onSend: async (request, reply, payload) => {},',
        "    method: 'GET',",
        "    url: '/c',",
        '    handler,',
        '  })',
        "  for (const r of [{ onError: async (request, reply, error) => {}, method: 'GET', url: '/d', handler }]) app.route(r)",
        "  app.get('/e', shared)",
        "  app.post('/f', { preValidation: async (request, reply) => {}, onRequest: async () => {}, handler })",
      ].join('\n'),
    );
    // The cursor goes into the new hook's body.
    const first = edits[0];
    assert.equal((APP.slice(0, first.start) + first.newText).slice(first.bodyAt, first.bodyAt + 2), '{}');
    const multi = edits[2];
    assert.equal((APP.slice(0, multi.start) + multi.newText).slice(multi.bodyAt, multi.bodyAt + 2), '{}');
    fs.writeFileSync(file, text);
    try {
      assert.equal(boot(dir, "const out = []; for (const [m, u] of [['GET', '/a'], ['GET', '/b'], ['GET', '/c'], ['GET', '/d'], ['POST', '/f']]) out.push((await app.inject({ method: m, url: u })).body); console.log(out.join(','))"), 'a,b,1,1,1');
      const after = index();
      assert.deepEqual(routeAt(after, file, at(text, "get('/a'"))!.route.hooks.map((h) => h.name), ['onRequest'], 'the graph sees the new hook');
    } finally {
      fs.writeFileSync(file, APP);
    }
  });
});
