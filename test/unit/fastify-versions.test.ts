import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

const app = [
  "const app = require('fastify')()",
  "app.register(async (v1) => {",
  "  v1.register(async (users) => { users.get('/list', async () => []) }, { prefix: 'users' })",
  "}, { prefix: '/v1/' })",
].join('\n');

describe('Fastify major versions (from the project dependency range)', () => {
  it('v4 always inserts a slash before a prefix without one: /v1/ + users = /v1//users', () => {
    const dir = writeWorkspace('fastify-v4', { 'package.json': JSON.stringify({ dependencies: { fastify: '^4.28.1' } }), 'server.js': app });
    const g = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(g);
    assert.equal(g.apps[0].fastifyMajor, 4);
    assert.equal(g.apps[0].routes[0].url, '/v1//users/list');
  });
  it('v5 inserts it only when the parent does not end with one: /v1/users', () => {
    const dir = writeWorkspace('fastify-v5', { 'package.json': JSON.stringify({ dependencies: { fastify: '^5.2.0' } }), 'server.js': app });
    const g = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(g);
    assert.equal(g.apps[0].fastifyMajor, 5);
    assert.equal(g.apps[0].routes[0].url, '/v1/users/list');
  });
});
