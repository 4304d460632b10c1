import * as assert from 'node:assert/strict';
import { expandRoute, joinPrefix, optionalParamBase } from '../../src/core/link/url-join';
import type { ServerOptions } from '../../src/core/model';

const server: ServerOptions = { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, exposeHeadRoutes: true, caseSensitive: true };
const none = () => false;
const pairs = (prefix: string, methods: string[], path: string, extra: Partial<Parameters<typeof expandRoute>[1]> = {}, opts = server) =>
  expandRoute(prefix, { methods, path, ...extra }, opts, none).map((r) => `${r.method} ${r.url}${r.onRoute ? '' : ' (no onRoute)'}${r.implicitHead ? ' (head)' : ''}`);

describe('prefix joining (fastify-semantics §1.5)', () => {
  it('inherits the parent prefix when the plugin has none', () => {
    assert.equal(joinPrefix('/v1', undefined, 5), '/v1');
    assert.equal(joinPrefix('/v1', '', 5), '/v1');
  });
  it('drops one slash between "/v1/" and "/users"', () => {
    assert.equal(joinPrefix('/v1/', '/users', 5), '/v1/users');
  });
  it('inserts a slash before a prefix without one, v5 only when the parent lacks it', () => {
    assert.equal(joinPrefix('', 'v1', 5), '/v1');
    assert.equal(joinPrefix('/v1/', 'users', 5), '/v1/users');
    assert.equal(joinPrefix('/v1/', 'users', 4), '/v1//users');
  });
  it('keeps a trailing slash', () => {
    assert.equal(joinPrefix('/api', '/users/', 5), '/api/users/');
  });
});

describe('route URL expansion (lib/route.js)', () => {
  it("registers prefix and prefix/ for '/' under a prefix, onRoute only for the first", () => {
    assert.deepEqual(pairs('/api', ['GET'], '/'), ['GET /api', 'HEAD /api (head)', 'GET /api/ (no onRoute)', 'HEAD /api/ (head)']);
  });
  it("honours prefixTrailingSlash 'slash' and 'no-slash'", () => {
    assert.deepEqual(pairs('/api', ['POST'], '/', { prefixTrailingSlash: 'slash' }), ['POST /api/']);
    assert.deepEqual(pairs('/api', ['POST'], '/', { prefixTrailingSlash: 'no-slash' }), ['POST /api']);
  });
  it('adds only the bare prefix with ignoreTrailingSlash', () => {
    assert.deepEqual(pairs('/api', ['POST'], '/', {}, { ...server, ignoreTrailingSlash: true }), ['POST /api']);
  });
  it("concatenates raw: '' gives the prefix, 'foo' gives '/apifoo'", () => {
    assert.deepEqual(pairs('/api', ['POST'], ''), ['POST /api']);
    assert.deepEqual(pairs('/api', ['POST'], 'foo'), ['POST /apifoo']);
  });
  it("removes the route's leading slash under a prefix ending in '/'", () => {
    assert.deepEqual(pairs('/api/', ['POST'], '/x'), ['POST /api/x']);
    assert.deepEqual(pairs('/api/', ['POST'], '/'), ['POST /api/', 'POST /api// (no onRoute)']);
  });
  it('adds no HEAD twin when HEAD is among the methods, or exposeHeadRoute is false', () => {
    assert.deepEqual(pairs('', ['GET', 'HEAD'], '/x'), ['GET /x', 'HEAD /x']);
    assert.deepEqual(pairs('', ['GET'], '/x', { exposeHeadRoute: false }), ['GET /x']);
  });
  it('skips the HEAD twin when a HEAD route already exists', () => {
    const r = expandRoute('', { methods: ['GET'], path: '/x' }, server, (m, u) => m === 'HEAD' && u === '/x');
    assert.deepEqual(r.map((x) => x.method), ['GET']);
  });
  it('finds the base path an optional last parameter also serves', () => {
    assert.equal(optionalParamBase('/a/:id?'), '/a');
    assert.equal(optionalParamBase('/:id?'), '/');
    assert.equal(optionalParamBase('/a/:id'), undefined);
  });
});
