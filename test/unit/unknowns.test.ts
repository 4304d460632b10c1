import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import { formatGraph } from '../../src/cli/format-graph';
import { parseDotenv } from '../../src/core/link/dotenv';
import type { Route, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const analyze = (name: string, files: Record<string, string>): WorkspaceGraph => {
  const g = analyzeWorkspace(writeWorkspace(`unknowns-${name}`, { 'package.json': FASTIFY_PACKAGE, ...files }), createNodeHost());
  assertNoInternalError(g);
  return g;
};
const own = (g: WorkspaceGraph): Route[] => g.apps.flatMap((a) => a.routes).filter((r) => !r.implicitHead);
const urls = (g: WorkspaceGraph) => own(g).map((r) => `${r.url}${r.urlKnown ? '' : ' (unknown)'}${r.conditional ? ' ?' : ''}`);
const reasons = (g: WorkspaceGraph) => g.unresolved.map((u) => u.reason);

const AUTOLOAD_APP = (options: string) => [
  "const path = require('node:path')",
  "const app = require('fastify')()",
  `app.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'routes'), options: ${options} })`,
].join('\n');
const USERS_ROUTE = "module.exports = async (f) => { f.get('/', async () => []) }";

describe('unknown values stay unknown (issue 8 §6)', () => {
  describe('prefixes', () => {
    it('an autoload options.prefix from process.env makes the URLs partly unknown, folder prefix kept, with where it came from', () => {
      const g = analyze('autoload-env', { 'server.js': AUTOLOAD_APP('{ prefix: process.env.API_PREFIX }'), 'routes/users/index.js': USERS_ROUTE });
      assert.deepEqual(urls(g), ['{?}/users (unknown)']);
      assert.ok(reasons(g).some((r) => r.includes('options.prefix ← process.env.API_PREFIX')), reasons(g).join('\n'));
    });

    it('unknown autoload options (which may hold a prefix) do too', () => {
      const g = analyze('autoload-opts', { 'server.js': AUTOLOAD_APP("process.env.X ? JSON.parse(process.env.X) : {}"), 'routes/users/index.js': USERS_ROUTE });
      assert.deepEqual(urls(g), ['{?}/users (unknown)']);
      assert.ok(reasons(g).some((r) => r.includes('autoload options ← ')), reasons(g).join('\n'));
    });

    it('an unknown prefix of an autoloaded route object (encapsulated wrapper) is unknown', () => {
      const g = analyze('autoload-route-object', {
        'server.js': AUTOLOAD_APP('{ prefix: process.env.API_PREFIX }'),
        'routes/items/index.js': "module.exports = { method: 'GET', url: '/', handler: async () => [] }",
      });
      assert.deepEqual(urls(g), ['{?}/items (unknown)']);
    });

    it('register() with a prefix from process.env or with unknown options', () => {
      const g = analyze('register', {
        'server.js': [
          "const app = require('fastify')()",
          "app.register(async (f) => { f.get('/a', async () => 1) }, { prefix: process.env.A_PREFIX })",
          "app.register(async (f) => { f.get('/b', async () => 1) }, JSON.parse(process.env.OPTS))",
          "app.register(async (f) => { f.get('/c', async () => 1) }, { prefix: '/c' })",
        ].join('\n'),
      });
      assert.deepEqual(urls(g), ['{?}/a (unknown)', '{?}/b (unknown)', '/c/c']);
      assert.ok(reasons(g).some((r) => r.includes('options.prefix ← process.env.A_PREFIX')), reasons(g).join('\n'));
      assert.ok(reasons(g).some((r) => r.includes('options ← JSON.parse of a text known only at run time')), reasons(g).join('\n'));
    });

    it('fastify-cli -x with a shell variable is unknown', () => {
      const dir = writeWorkspace('unknowns-cli-x', {
        'package.json': JSON.stringify({ name: 'cli', scripts: { start: 'fastify start -x $API_PREFIX app.js' }, dependencies: { fastify: '^5.0.0', 'fastify-cli': '^7.0.0' } }),
        'app.js': "module.exports = async function (fastify, opts) { fastify.get('/x', async () => 1) }",
      });
      const g = analyzeWorkspace(dir, createNodeHost());
      assert.deepEqual(urls(g), ['{?}/x (unknown)']);
      assert.ok(reasons(g).some((r) => r.includes('$API_PREFIX')), reasons(g).join('\n'));
    });
  });

  describe('process.env from .env files', () => {
    it('parses .env the way dotenv does', () => {
      const vars = parseDotenv([
        '# a comment',
        'PLAIN=value',
        'export EXPORTED=/v1',
        'SPACED = spaced  ',
        'QUOTED="a # not a comment"',
        "SINGLE='single'",
        'TRAILING=/x # a comment',
        'NEWLINE="a\\nb"',
        'EMPTY=',
      ].join('\n'));
      assert.deepEqual(Object.fromEntries(vars), {
        PLAIN: 'value', EXPORTED: '/v1', SPACED: 'spaced', QUOTED: 'a # not a comment', SINGLE: 'single', TRAILING: '/x', NEWLINE: 'a\nb', EMPTY: '',
      });
    });

    it('uses the project .env value, with one note per variable', () => {
      const g = analyze('dotenv', {
        '.env': 'export API_PREFIX="/v1"\n',
        'server.js': "require('dotenv').config()\n" + AUTOLOAD_APP('{ prefix: process.env.API_PREFIX }') + "\napp.get(`${process.env.API_PREFIX}/x`, async () => 1)\nconst { API_PREFIX } = process.env\napp.get(API_PREFIX + '/y', async () => 1)",
        'routes/users/index.js': USERS_ROUTE,
      });
      assert.deepEqual(urls(g), ['/v1/x', '/v1/y', '/v1/users']);
      const notes = reasons(g).filter((r) => r.startsWith('API_PREFIX taken from .env'));
      assert.equal(notes.length, 1, reasons(g).join('\n'));
    });

    it('falls back to .env.example, marked assumed; .env wins over it', () => {
      const g = analyze('dotenv-example', {
        '.env.example': 'API_PREFIX=/example\nOTHER=/other\n',
        '.env': 'OTHER=/real\n',
        'server.js': "import 'dotenv/config'\nconst app = require('fastify')()\napp.get(process.env.API_PREFIX + '/a', async () => 1)\napp.get(process.env.OTHER + '/b', async () => 1)",
      });
      assert.deepEqual(urls(g), ['/example/a', '/real/b']);
      assert.ok(reasons(g).includes('API_PREFIX taken from .env.example (assumed)'), reasons(g).join('\n'));
    });

    it('reads the .env of the file\'s own project only', () => {
      const dir = writeWorkspace('unknowns-dotenv-projects', {
        'package.json': JSON.stringify({ name: 'root', private: true }),
        '.env': 'API_PREFIX=/root\n',
        'app/package.json': FASTIFY_PACKAGE,
        'app/server.js': "const app = require('fastify')()\napp.get(process.env.API_PREFIX + '/a', async () => 1)",
      });
      const g = analyzeWorkspace(dir, createNodeHost());
      assert.deepEqual(urls(g), ['/{?} (unknown)']);
    });
  });

  describe('response schemas as data', () => {
    it('http-status-codes keys, helper-merged responses, and a partly unknown list', () => {
      const g = analyze('status-codes', {
        'package.json': JSON.stringify({ name: 'codes', dependencies: { fastify: '^5.0.0', 'http-status-codes': '^2.3.0' } }),
        'server.ts': [
          "import fastify from 'fastify'",
          "import { StatusCodes, OK } from 'http-status-codes'",
          'const err = { type: "object" }',
          'const errors = (codes: number[]) => Object.fromEntries(codes.map((c) => [c, err]))',
          'const app = fastify()',
          "app.get('/a', { schema: { response: { [StatusCodes.OK]: {}, ...errors([StatusCodes.NOT_FOUND]) } } }, async () => 1)",
          "app.get('/b', { schema: { response: Object.assign({ [OK]: {} }, errors([StatusCodes.BAD_REQUEST])) } }, async () => 1)",
          "app.get('/c', { schema: { response: { 200: {}, ...pick(['x']) } } }, async () => 1)",
          "app.get('/d', { schema: { response: process.env.R } }, async () => 1)",
        ].join('\n'),
      });
      const resp = own(g).map((r) => `${r.url} ${r.schema?.response?.join('/')}${r.schema?.responsePartial ? ' partial' : ''}`);
      assert.deepEqual(resp, ['/a 200/404', '/b 200/400', '/c 200 partial', '/d  partial']);
      assert.match(formatGraph(g), /route GET \/c server\.ts:8 \{schema: response 200\/…\?\}/);
    });
  });

  describe('early returns under run-time conditions', () => {
    it('the rest of a block after a conditional return or throw is conditional; known conditions are followed', () => {
      const g = analyze('early-return', {
        'server.js': [
          "const app = require('fastify')()",
          'app.register(function dev (f, opts, done) {',
          "  f.get('/before', async () => 1)",
          "  if (process.env.NODE_ENV !== 'development') { done(); return }",
          "  f.decorate('devOnly', 1)",
          "  f.get('/after', async () => 1)",
          '  done()',
          '})',
          'app.register(async function guarded (f) {',
          "  if (!process.env.TOKEN) throw new Error('no token')",
          "  f.get('/guarded', async () => 1)",
          '})',
          'app.register(async function known (f) {',
          '  if (1 + 1 === 2) return',
          "  f.get('/never', async () => 1)",
          '})',
          'app.register(async function notExiting (f) {',
          "  if (process.env.X) { f.get('/maybe', async () => 1) }",
          "  f.get('/sure', async () => 1)",
          '})',
          "app.get('/always', async () => 1)",
        ].join('\n'),
      });
      assert.deepEqual(urls(g), ['/always', '/before', '/after ?', '/guarded ?', '/maybe ?', '/sure']);
      const dev = g.apps[0].root.children.find((c) => c.name === 'dev')!;
      assert.equal(dev.decorators[0].conditional, true);
    });
  });
});
