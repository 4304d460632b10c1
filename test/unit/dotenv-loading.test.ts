import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

/**
 * When is `.env` used for `process.env.X`? Only when something loads it. Each case is booted with
 * the real packages (dotenv, env-schema, @fastify/env, Node's --env-file / process.loadEnvFile;
 * a child process with the case's node arguments and cwd, never listening) and analysed; both
 * must agree on which routes got the `.env` value. fastify-cli `fastify start` is not booted (not a
 * dev dependency): its start.js loads `.env` in every release (v1–v7 `require('dotenv').config()`,
 * v8 `process.loadEnvFile()` in env-loader.js), so the analyser counts it as a loader.
 */

const HARNESS = path.join(__dirname, '..', 'support', 'boot-version-probes.mjs');
const H = 'async () => 1';
const SCHEMA = "{ type: 'object', properties: { API_PREFIX: { type: 'string' } } }";

interface Case {
  name: string;
  code: string[];
  /** package.json scripts; the node arguments of the first are used to boot. */
  script?: string;
  nodeArgs?: string[];
  extra?: Record<string, string>;
  /** Per route (declaration order): does it get the `.env` value? */
  expected: boolean[];
}

const APP = ["const app = require('fastify')()"];
const ROUTE_A = `app.get((process.env.API_PREFIX ?? '/none') + '/a', ${H})`;

const CASES: Case[] = [
  { name: 'nothing loads it', code: [...APP, ROUTE_A], expected: [false] },
  { name: "require('dotenv').config()", code: ["require('dotenv').config({ quiet: true })", ...APP, ROUTE_A], expected: [true] },
  { name: "const { config } = require('dotenv'); config()", code: ["const { config } = require('dotenv')", 'config({ quiet: true })', ...APP, ROUTE_A], expected: [true] },
  { name: "require('dotenv/config')", code: ["require('dotenv/config')", ...APP, ROUTE_A], expected: [true] },
  { name: "dotenv config({ path: '.env.local' }) loads another file", code: ["require('dotenv').config({ path: '.env.local', quiet: true })", ...APP, ROUTE_A], extra: { '.env.local': 'OTHER=1\n' }, expected: [false] },
  { name: 'node -r dotenv/config in a script', code: [...APP, ROUTE_A], script: 'node -r dotenv/config server.js', nodeArgs: ['-r', 'dotenv/config'], expected: [true] },
  { name: 'node --env-file=.env in a script', code: [...APP, ROUTE_A], script: 'node --env-file=.env server.js', nodeArgs: ['--env-file=.env'], expected: [true] },
  { name: 'process.loadEnvFile()', code: ['process.loadEnvFile()', ...APP, ROUTE_A], expected: [true] },
  {
    name: 'env-schema dotenv: true (its result only, process.env untouched)',
    code: ["const envSchema = require('env-schema')", `const config = envSchema({ schema: ${SCHEMA}, dotenv: true })`, ...APP, `app.get(config.API_PREFIX + '/a', ${H})`, `app.get((process.env.API_PREFIX ?? '/none') + '/b', ${H})`],
    expected: [true, false],
  },
  {
    name: 'env-schema without dotenv',
    code: ["const envSchema = require('env-schema')", `const config = envSchema({ schema: ${SCHEMA} })`, ...APP, `app.get((config.API_PREFIX || '') + '/a', ${H})`],
    expected: [false],
  },
];

interface Seen {
  runtime: boolean[];
  graph: WorkspaceGraph;
}

function bootAndAnalyze(c: Case, i: number): Promise<Seen> {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: `dotenv-${i}`, private: true, dependencies: { fastify: '^5.0.0', dotenv: '^18.0.0', 'env-schema': '^7.0.0' }, scripts: c.script ? { start: c.script } : {} }),
    '.env': 'API_PREFIX=/v1\n',
    'server.js': [...c.code, 'module.exports = app', ''].join('\n'),
    ...c.extra,
  };
  const dir = writeWorkspace(`dotenv-loading-${process.pid}/${i}`, files);
  const graph = analyzeWorkspace(dir, createNodeHost());
  // A variable already set wins over .env (dotenv, --env-file): the child must not have it.
  const env = { ...process.env };
  delete env.API_PREFIX;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...(c.nodeArgs ?? []), HARNESS, dir, 'server.js'], { cwd: dir, env }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`booting '${c.name}' failed: ${stderr || err.message}`));
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as { apps: Record<string, { order: string[] }> };
      const gets = out.apps['server.js'].order.filter((e) => e.startsWith('GET '));
      resolve({ runtime: gets.map((e) => e.startsWith('GET /v1/')), graph });
    });
  });
}

describe('.env is used only when the project loads it (booted with the real packages)', function () {
  this.timeout(120000);
  const seen = new Map<string, Seen>();
  before(async () => {
    for (const [i, c] of CASES.entries()) seen.set(c.name, await bootAndAnalyze(c, i));
  });
  after(() => fs.rmSync(path.join(__dirname, '..', '.tmp', `dotenv-loading-${process.pid}`), { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.name}: ${c.expected.map((e) => (e ? '.env value' : 'not loaded')).join(', ')}`, () => {
      const { runtime, graph } = seen.get(c.name)!;
      assertNoInternalError(graph, c.name);
      assert.deepEqual(runtime, c.expected, `booted: ${c.name}`);
      const routes = graph.apps[0].routes.filter((r) => r.methods.includes('GET'));
      assert.deepEqual(
        routes.map((r) => r.url.startsWith('/v1/')),
        runtime,
        `the graph agrees: ${routes.map((r) => r.url).join(', ')}`,
      );
      for (const r of routes) if (!r.url.startsWith('/v1/')) assert.ok(!r.urlKnown || r.url === '/a', `${r.url}: unknown, not another value`);
      const notLoaded = graph.unresolved.filter((u) => /the \.env value was not used because nothing loads \.env/.test(u.reason));
      const processEnvUnloaded = c.expected.some((e) => !e) && !/env-schema/.test(c.name);
      if (processEnvUnloaded) assert.equal(notLoaded.length, 1, graph.unresolved.map((u) => u.reason).join('\n'));
      else if (c.expected.every(Boolean)) assert.equal(notLoaded.length, 0, graph.unresolved.map((u) => u.reason).join('\n'));
    });
  }

  it('fastify start (fastify-cli) counts as loading .env', () => {
    const dir = writeWorkspace(`dotenv-loading-${process.pid}/cli`, {
      'package.json': JSON.stringify({ name: 'cli', private: true, dependencies: { fastify: '^5.0.0', 'fastify-cli': '^7.0.0' }, scripts: { start: 'fastify start -l info app.js' } }),
      '.env': 'API_PREFIX=/v1\n',
      'app.js': `module.exports = async function (app) { app.get(process.env.API_PREFIX + '/a', ${H}) }\n`,
    });
    const g = analyzeWorkspace(dir, createNodeHost());
    assert.deepEqual(g.apps.flatMap((a) => a.routes.filter((r) => r.methods.includes('GET')).map((r) => r.url)), ['/v1/a']);
    assert.ok(g.unresolved.some((u) => u.reason === 'API_PREFIX taken from .env (fastify start loads it)'), g.unresolved.map((u) => u.reason).join('\n'));
  });
});

describe('values only an example file gives (assumed) decide no condition', () => {
  after(() => fs.rmSync(path.join(__dirname, '..', '.tmp', `dotenv-assumed-${process.pid}`), { recursive: true, force: true }));
  const analyze = (name: string, files: Record<string, string>) => {
    const g = analyzeWorkspace(writeWorkspace(`dotenv-assumed-${process.pid}/${name}`, files), createNodeHost());
    assertNoInternalError(g, name);
    return g;
  };
  const PKG = JSON.stringify({ name: 'assumed', private: true, dependencies: { fastify: '^5.0.0' } });

  for (const example of ['.env.example', '.env.sample', '.env.dist']) {
    it(`NODE_ENV from ${example}: the if, the ternary, the switch and a derived flag are run-time conditions`, () => {
      const g = analyze(example.slice(1), {
        'package.json': PKG,
        [example]: 'NODE_ENV=development\nAPI_PREFIX=/example\n',
        'server.js': [
          ...APP,
          "const isDev = process.env.NODE_ENV === 'development'",
          `if (process.env.NODE_ENV !== 'production') app.get('/dev', ${H})`,
          `if (isDev) app.get('/dev-flag', ${H})`,
          `if (!process.env.NODE_ENV) app.get('/no-env', ${H})`,
          `app.register(process.env.NODE_ENV === 'production' ? async (f) => { f.get('/prod', ${H}) } : async (f) => { f.get('/not-prod', ${H}) })`,
          "switch (process.env.NODE_ENV) {",
          `  case 'development': app.get('/case-dev', ${H}); break`,
          `  default: app.get('/case-other', ${H})`,
          '}',
          `app.get(process.env.API_PREFIX + '/x', ${H})`,
        ].join('\n'),
      });
      const routes = g.apps[0].routes.filter((r) => !r.implicitHead);
      const byUrl = new Map(routes.map((r) => [r.url, r]));
      for (const url of ['/dev', '/dev-flag', '/no-env', '/case-dev', '/case-other']) {
        assert.ok(byUrl.get(url), `${url} declared (a run-time condition runs both ways): ${[...byUrl.keys()].join(', ')}`);
        assert.equal(byUrl.get(url)!.conditional, true, `${url} is conditional`);
      }
      // The ternary's plugin is not known: neither branch is taken as the one that runs.
      assert.ok(!byUrl.has('/not-prod') || byUrl.get('/not-prod')!.conditional, 'the ternary is not decided by the example value');
      // An assumed value is still used as a value (a URL part), with its note.
      assert.equal(byUrl.get('/example/x')?.conditional, undefined);
      assert.ok(g.unresolved.some((u) => u.reason === `API_PREFIX taken from ${example} (assumed)`));
    });
  }

  it('a loaded .env value still decides the condition', () => {
    const g = analyze('loaded', {
      'package.json': PKG,
      '.env': 'NODE_ENV=production\n',
      '.env.example': 'NODE_ENV=development\n',
      'server.js': ["require('dotenv').config()", ...APP, `if (process.env.NODE_ENV !== 'production') app.get('/dev', ${H})`, `app.get('/always', ${H})`].join('\n'),
    });
    assert.deepEqual(g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => `${r.url}${r.conditional ? ' conditional' : ''}`), ['/always']);
  });
});
