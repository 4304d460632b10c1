import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { AppGraph, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { runRules } from '../../src/core/rules';
import { allMethods } from '../../src/core/link/url-join';
import { VERSION_RULES, behaviourAt, fastifyAtOfGraph, ruleOf, type RuleId } from '../../src/core/link/version-rules';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

/**
 * Every row of the version-rule table (src/core/link/version-rules.ts), on both sides of its
 * `since`: a tiny app booted with the real package at that version (npm aliases among the dev
 * dependencies, linked into a temp workspace's node_modules), and the same workspace analysed
 * statically, the version pinned by the installed manifest the link shows. The two must see the
 * same thing, and behaviourAt(row, version) must say what both saw. Every probe of a package is
 * checked at every version of it booted (13 Fastify releases from 3.29.5 to the newest, two
 * fastify-plugin and three @fastify/autoload releases), one child process per version.
 */

type Pkg = 'fastify' | 'fastify-plugin' | '@fastify/autoload';

/** A probe app: one file creating one instance; what both sides see of it. */
interface Observed {
  /** `METHOD url` in onRoute order (all() expanded, implicit HEAD included). */
  order: string[];
  /** `METHOD url` the router serves (trailing-slash twins included), sorted. */
  served: string[];
  /** The error code `ready()` failed with; statically, the boot error a rule finding claims. */
  readyError?: string;
}

interface Probe {
  /** The probe's entry file in the workspace, and the files it needs. */
  file: string;
  files: Record<string, string>;
}

interface RowCheck {
  probe: Probe;
  /** What is compared between the booted app and the graph. */
  observe(o: Observed): unknown;
  /** True when the observation shows the row's behaviour (its description from `since` on). */
  shows(value: unknown): boolean;
}

const HANDLER = 'async () => 1';
const urls = (list: string[], method: string) => list.filter((e) => e.startsWith(`${method} `)).map((e) => e.slice(method.length + 1));
const methodsOf = (list: string[], url: string) => [...new Set(list.filter((e) => e.endsWith(` ${url}`)).map((e) => e.split(' ')[0]))].sort();

const ALL: Probe = { file: 'all.js', files: { 'all.js': `const app = require('fastify')()\napp.all('/any', ${HANDLER})\nmodule.exports = app\n` } };
const HEAD: Probe = { file: 'head.js', files: { 'head.js': `const app = require('fastify')()\napp.get('/x', ${HANDLER})\nmodule.exports = app\n` } };
const DUP_SLASHES: Probe = {
  file: 'dup-slashes.js',
  files: {
    'dup-slashes.js': `const app = require('fastify')({ ignoreDuplicateSlashes: true })\napp.register(async (p) => { p.get('/', ${HANDLER}) }, { prefix: '/p/' })\nmodule.exports = app\n`,
  },
};
const ORDER: Probe = {
  file: 'order.js',
  files: {
    'order.js': [
      "const app = require('fastify')()",
      'app.register(async (f) => {',
      `  f.register(async (c) => { c.get('/child', ${HANDLER}) })`,
      `  f.get('/parent', ${HANDLER})`,
      '})',
      'module.exports = app',
      '',
    ].join('\n'),
  },
};
const PREFIX: Probe = {
  file: 'prefix.js',
  files: {
    'prefix.js': [
      "const app = require('fastify')()",
      'app.register(async (v1) => {',
      `  v1.register(async (users) => { users.get('/list', ${HANDLER}) }, { prefix: 'users' })`,
      "}, { prefix: '/v1/' })",
      'module.exports = app',
      '',
    ].join('\n'),
  },
};
const ENCAPSULATE: Probe = {
  file: 'fp.js',
  files: {
    'fp.js': [
      "const fp = require('fastify-plugin')",
      "const app = require('fastify')()",
      `app.register(fp(async (f) => { f.get('/me', ${HANDLER}) }, { encapsulate: true }), { prefix: '/auth' })`,
      'module.exports = app',
      '',
    ].join('\n'),
  },
};
const AUTOLOAD: Probe = {
  file: 'autoload.js',
  files: {
    'autoload.js': [
      "const { join } = require('node:path')",
      "const AutoLoad = require('@fastify/autoload')",
      "const app = require('fastify')()",
      "app.register(AutoLoad, { dir: join(__dirname, 'routes'), autoHooks: true, cascadeHooks: true })",
      "app.register(AutoLoad, { dir: join(__dirname, 'more'), ignorePattern: /^legacy\\/.*old/, appendAutoPrefix: true, options: { prefix: '/more' } })",
      'module.exports = app',
      '',
    ].join('\n'),
    'routes/users/autohooks.js': "module.exports = async function (app) { app.addHook('onRequest', async () => {}) }\n",
    'routes/users/me.js': `const fp = require('fastify-plugin')\nmodule.exports = fp(async function me (app) { app.get('/users/me', ${HANDLER}) })\n`,
    'routes/users/list.js': `module.exports = async function (app) { app.get('/', ${HANDLER}) }\n`,
    'more/api/versioned.js': `module.exports = async function (app) { app.get('/versioned', ${HANDLER}) }\nmodule.exports.autoPrefix = '/v2'\n`,
    'more/legacy/old.js': `module.exports = async function (app) { app.get('/old', ${HANDLER}) }\n`,
    'more/legacy/kept.js': `module.exports = async function (app) { app.get('/kept', ${HANDLER}) }\n`,
  },
};

const SHORTHAND: Probe = {
  file: 'shorthand.js',
  files: {
    'shorthand.js': `const app = require('fastify')()\napp.get('/q', { schema: { querystring: { name: { type: 'string' } } } }, ${HANDLER})\nmodule.exports = app\n`,
  },
};

const allMethodsSeen = (o: Observed) => methodsOf(o.order, '/any');
const getUrls = (o: Observed) => [...new Set(urls(o.order, 'GET'))].sort();

/** One check per row of the table (the test fails when a row has none). */
const CHECKS: Record<RuleId, RowCheck> = {
  'autoload.hooks-prefix': { probe: AUTOLOAD, observe: getUrls, shows: (v) => (v as string[]).includes('/users/users/me') },
  'autoload.ignore-pattern-relative-path': { probe: AUTOLOAD, observe: getUrls, shows: (v) => !(v as string[]).some((u) => u.endsWith('/old')) },
  'autoload.append-auto-prefix': { probe: AUTOLOAD, observe: getUrls, shows: (v) => (v as string[]).includes('/more/api/v2/versioned') },
  'fastify-plugin.encapsulate': { probe: ENCAPSULATE, observe: getUrls, shows: (v) => (v as string[]).includes('/auth/me') },
  'fastify.expose-head-routes-default': { probe: HEAD, observe: (o) => methodsOf(o.order, '/x'), shows: (v) => (v as string[]).includes('HEAD') },
  'fastify.ignore-duplicate-slashes': { probe: DUP_SLASHES, observe: (o) => urls(o.served, 'GET'), shows: (v) => !(v as string[]).includes('/p//') },
  'fastify.routes-added-at-call': {
    probe: ORDER,
    observe: (o) => urls(o.order, 'GET'),
    shows: (v) => (v as string[]).indexOf('/parent') < (v as string[]).indexOf('/child'),
  },
  'fastify.all-webdav-methods': { probe: ALL, observe: allMethodsSeen, shows: (v) => (v as string[]).includes('PROPFIND') },
  'fastify.all-report-mkcalendar': { probe: ALL, observe: allMethodsSeen, shows: (v) => (v as string[]).includes('MKCALENDAR') },
  'fastify.all-v5-methods': { probe: ALL, observe: allMethodsSeen, shows: (v) => (v as string[]).includes('TRACE') && !(v as string[]).includes('PROPFIND') },
  'fastify.all-query-method': { probe: ALL, observe: allMethodsSeen, shows: (v) => (v as string[]).includes('QUERY') },
  'fastify.prefix-join-no-extra-slash': { probe: PREFIX, observe: getUrls, shows: (v) => (v as string[]).includes('/v1/users/list') },
  'fastify.no-json-shorthand': { probe: SHORTHAND, observe: (o) => o.readyError ?? 'ready', shows: (v) => v === 'FST_ERR_SCH_VALIDATION_BUILD' },
};

/**
 * Rows that cannot be booted on one side, with the reason (the README lists them too). Empty:
 * every row is booted on both sides.
 */
const NOT_BOOTED_SIDE: Partial<Record<RuleId, string>> = {};

/**
 * The versions booted: each setup links the package names to npm aliases among the dev
 * dependencies (package.json) and boots every probe of its package once. For each row, the last
 * release before `since` and the first release line at it (the test checks both are here).
 */
interface Setup {
  name: string;
  /** The row's package whose version this setup pins for the rows it checks. */
  subject: Pkg;
  links: Partial<Record<Pkg, string>>;
}

const FASTIFY_ALIASES = ['fastify3', 'fastify40', 'fastify43', 'fastify44', 'fastify426', 'fastify427', 'fastify4', 'fastify50', 'fastify58', 'fastify59', 'fastify510', 'fastify511', 'fastify'];
const SETUPS: Setup[] = [
  ...FASTIFY_ALIASES.map((alias): Setup => ({ name: alias, subject: 'fastify', links: { fastify: alias } })),
  ...['fastify-plugin42', 'fastify-plugin43'].map((alias): Setup => ({ name: alias, subject: 'fastify-plugin', links: { fastify: 'fastify4', 'fastify-plugin': alias } })),
  ...['@fastify/autoload63', '@fastify/autoload64', '@fastify/autoload'].map(
    (alias): Setup => ({ name: alias.replace('@fastify/', ''), subject: '@fastify/autoload', links: { fastify: 'fastify', 'fastify-plugin': 'fastify-plugin', '@fastify/autoload': alias } }),
  ),
];

const ROOT = path.join(__dirname, '..', '..');
const HARNESS = path.join(__dirname, '..', 'support', 'boot-version-probes.mjs');
const versionOfAlias = (alias: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', alias, 'package.json'), 'utf8')).version;

interface SetupResult {
  setup: Setup;
  version: string;
  runtime: Record<string, Observed>;
  graph: WorkspaceGraph;
}

function probesOf(subject: Pkg): Probe[] {
  return [...new Set(VERSION_RULES.filter((r) => r.pkg === subject).map((r) => CHECKS[r.id].probe))];
}

/** Writes the workspace (probes + node_modules links), boots it in a child process, analyses it. */
function run(setup: Setup): Promise<SetupResult> {
  const probes = probesOf(setup.subject);
  const files: Record<string, string> = {};
  for (const p of probes) Object.assign(files, p.files);
  const deps: Record<string, string> = {};
  for (const [pkg, alias] of Object.entries(setup.links)) deps[pkg] = `^${versionOfAlias(alias).split('.')[0]}.0.0`;
  files['package.json'] = JSON.stringify({ name: `probe-${setup.name}`, private: true, dependencies: deps });
  const dir = writeWorkspace(`version-rules-${process.pid}/${setup.name}`, files);
  for (const [pkg, alias] of Object.entries(setup.links)) {
    const link = path.join(dir, 'node_modules', pkg);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', alias), link, 'dir');
  }
  const graph = analyzeWorkspace(dir, createNodeHost());
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [HARNESS, dir, ...probes.map((p) => p.file)], { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`booting ${setup.name} failed: ${stderr || err.message}`));
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as { versions: Record<string, string>; apps: Record<string, Observed> };
      resolve({ setup, version: out.versions[setup.subject], runtime: out.apps, graph });
    });
  });
}

/** The graph's app for a probe file, seen as the booted app is (`Observed`). */
function staticObserved(dir: string, graph: WorkspaceGraph, file: string): { app: AppGraph; observed: Observed } {
  const app = graph.apps.find((a) => a.kind === 'instance' && a.entry.file === path.join(dir, file));
  assert.ok(app, `no app in ${file}: ${graph.apps.map((a) => a.entry.file).join(', ')}`);
  const at = fastifyAtOfGraph(app);
  const order: string[] = [];
  const served = new Set<string>();
  for (const r of app.routes) {
    for (const m of r.methods.includes('ALL') ? allMethods(at) : r.methods) {
      order.push(`${m} ${r.url}`);
      for (const u of [r.url, ...r.alsoServes]) served.add(`${m} ${u}`);
    }
  }
  // The boot error the rules predict for this app (invalid-json-schema: Ajv rejects a schema at ready).
  const rejected = runRules(graph).some((f) => f.code === 'invalid-json-schema' && f.span.file === app.entry.file);
  return { app, observed: { order, served: [...served].sort(), ...(rejected ? { readyError: 'FST_ERR_SCH_VALIDATION_BUILD' } : {}) } };
}

/** Runs `fn` over `items`, `limit` at a time (two cores: two children). */
async function limited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

describe('version rules booted on both sides of their version (real packages through npm aliases)', function () {
  this.timeout(180000);
  let results: SetupResult[] = [];

  before(async () => {
    results = await limited(SETUPS, 2, run);
  });
  after(() => fs.rmSync(path.join(ROOT, 'test', '.tmp', `version-rules-${process.pid}`), { recursive: true, force: true }));

  it('every row has a check, and the versions booted include the last release before `since` and one at it', () => {
    for (const rule of VERSION_RULES) {
      assert.ok(CHECKS[rule.id], `${rule.id} has a check`);
      if (NOT_BOOTED_SIDE[rule.id]) continue;
      const versions = results.filter((r) => r.setup.subject === rule.pkg).map((r) => r.version);
      const below = versions.filter((v) => !behaviourAt(rule.id, v));
      const above = versions.filter((v) => behaviourAt(rule.id, v));
      assert.ok(below.length && above.length, `${rule.id} (${rule.pkg} ${rule.since}) booted on both sides: ${versions.join(', ')}`);
      // The first release line at `since` (same major.minor) is among them.
      const [maj, min] = rule.since.split('.');
      assert.ok(above.some((v) => v.startsWith(`${maj}.${min}.`)), `${rule.id}: a ${maj}.${min}.x release booted (${above.join(', ')})`);
      if (rule.until) {
        // A behaviour a later release replaced: booted on both sides of `until` too.
        const [umaj, umin] = rule.until.split('.');
        assert.ok(below.some((v) => v.startsWith(`${umaj}.${umin}.`)), `${rule.id}: a ${umaj}.${umin}.x release booted (until ${rule.until})`);
        const lastBefore = versions.filter((v) => semver.lt(v, rule.until!)).sort(semver.compare).pop();
        assert.ok(lastBefore && behaviourAt(rule.id, lastBefore), `${rule.id}: on at the last release booted before ${rule.until} (${lastBefore})`);
      }
    }
  });

  for (const rule of VERSION_RULES) {
    it(`${rule.id} (${rule.pkg} ${rule.since}): the booted app, the graph and behaviourAt agree at every version booted`, () => {
      const check = CHECKS[rule.id];
      const seen: string[] = [];
      for (const r of results.filter((x) => x.setup.subject === rule.pkg)) {
        const dir = path.join(ROOT, 'test', '.tmp', `version-rules-${process.pid}`, r.setup.name);
        const real = fs.realpathSync(dir);
        assertNoInternalError(r.graph, r.setup.name);
        const { app, observed } = staticObserved(real, r.graph, check.probe.file);
        assert.equal(app.versions[rule.pkg]?.version, r.version, `${r.setup.name}: the analysis reads the installed ${rule.pkg}`);
        assert.equal(app.versions[rule.pkg]?.source, 'installed');
        const booted = r.runtime[check.probe.file];
        const runtimeValue = check.observe(booted);
        const staticValue = check.observe(observed);
        assert.deepEqual(staticValue, runtimeValue, `${rule.id} at ${rule.pkg} ${r.version}: the graph sees what the booted app does`);
        const expected = behaviourAt(rule.id, r.version);
        assert.equal(check.shows(runtimeValue), expected, `${rule.id} at ${rule.pkg} ${r.version}: behaviourAt says ${expected}, the booted app shows ${JSON.stringify(runtimeValue)}`);
        seen.push(`${r.version}:${expected ? 'on' : 'off'}`);
      }
      assert.ok(seen.some((s) => s.endsWith(':on')) && (NOT_BOOTED_SIDE[rule.id] || seen.some((s) => s.endsWith(':off'))), `${rule.id}: ${seen.join(' ')}`);
    });
  }

  it('rows not booted on one side say why', () => {
    for (const [id, why] of Object.entries(NOT_BOOTED_SIDE)) {
      assert.ok(ruleOf(id as RuleId), id);
      assert.ok(why && why.length > 10, id);
    }
  });
});
