import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { packageModel, packageModelFor } from '../../src/core/packages';
import { fastifySwagger, fastifySwagger7 } from '../../src/core/packages/fastify-swagger';
import { analysePackageCase, bootPackageCases, type PackageCase, type Seen } from '../support/package-boot';
import { writeWorkspace } from '../support/temp-workspace';

/**
 * Package models chosen by the version of their own package: @fastify/swagger 5–7 (Fastify 4 era,
 * documentation routes with `exposeRoute`) against @fastify/swagger 8+ (no routes). The old major
 * is booted from the `@fastify/swagger7` alias on the real Fastify 4 line (`fastify4`), while the
 * analysed app requires `@fastify/swagger` and declares `^7.0.0`.
 */

const ROOT = path.join(__dirname, '..', '..');
const SWAGGER7 = { pkg: '@fastify/swagger7', as: '@fastify/swagger', range: '^7.0.0' };
const DOC = "{ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {} }";

const CASES: PackageCase[] = [
  { id: 'swagger 7 default', registers: [{ ...SWAGGER7 }] },
  { id: 'swagger 7 exposeRoute', registers: [{ ...SWAGGER7, opts: '{ exposeRoute: true }' }] },
  { id: 'swagger 7 exposeRoute routePrefix staticCSP', registers: [{ ...SWAGGER7, opts: "{ exposeRoute: true, routePrefix: '/docs', staticCSP: true }" }] },
  { id: 'swagger 7 static mode exposeRoute', registers: [{ ...SWAGGER7, opts: `{ mode: 'static', specification: { document: ${DOC} }, exposeRoute: true }` }] },
  { id: 'swagger 7 exposeRoute false', registers: [{ ...SWAGGER7, opts: "{ exposeRoute: false, transformStaticCSP: (h) => h }" }] },
];

describe('package models by version: @fastify/swagger 7 equals the real package (booted with fastify 4)', function () {
  this.timeout(60_000);
  let booted: Map<string, Seen>;
  before(async () => {
    booted = await bootPackageCases(CASES, { fastify: 4 });
  });

  it('boots @fastify/swagger 7 on Fastify 4', () => {
    const version = (dir: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(version('@fastify/swagger7'), /^7\./);
    assert.match(version('fastify4'), /^4\./);
  });

  for (const c of CASES) {
    it(c.id, () => {
      const real = booted.get(c.id);
      assert.ok(real, `no boot result for ${c.id}`);
      const { graph, app, seen } = analysePackageCase(c, '^4.0.0');
      assert.deepEqual(seen.decorators, real.decorators, 'decorators (target.name@context)');
      assert.deepEqual(seen.hooks, real.hooks, 'hooks (name@context)');
      assert.deepEqual(seen.routes, real.routes, 'routes in onRoute order');
      assert.ok(app.routes.every((r) => r.package === '@fastify/swagger'), 'every route is marked as from its package');
      assert.deepEqual(graph.unresolved.filter((u) => /not analysed|internal error|not known/.test(u.reason)), []);
    });
  }
});

describe('package models by version: choosing', () => {
  it('the first model whose range holds the version, else the newest; an unknown version says so', () => {
    assert.equal(packageModel('@fastify/swagger'), fastifySwagger, 'the newest is the one without versions');
    assert.equal(packageModelFor('@fastify/swagger', '7.6.1')?.model, fastifySwagger7);
    assert.equal(packageModelFor('@fastify/swagger', '5.0.0')?.model, fastifySwagger7);
    assert.equal(packageModelFor('@fastify/swagger', '8.0.0')?.model, fastifySwagger);
    assert.equal(packageModelFor('@fastify/swagger', '9.9.3')?.note, undefined);
    const unknown = packageModelFor('@fastify/swagger', undefined);
    assert.equal(unknown?.model, fastifySwagger);
    assert.match(unknown?.note ?? '', /version of @fastify\/swagger used is not known/);
    assert.equal(packageModelFor('@fastify/cors', undefined)?.note, undefined, 'one model for the name: no note');
  });

  const app = "const app = require('fastify')()\napp.register(require('@fastify/swagger'), { exposeRoute: true })\nmodule.exports = app\n";
  const docsRoutes = (dir: string) => {
    const g = analyzeWorkspace(dir, createNodeHost());
    return { g, urls: g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url) };
  };

  it('the installed manifest decides over the declared range (read as data)', () => {
    const dir = writeWorkspace('package-versions-installed', {
      'package.json': JSON.stringify({ dependencies: { fastify: '^4.0.0', '@fastify/swagger': '^9.0.0' } }),
      'node_modules/@fastify/swagger/package.json': JSON.stringify({ name: '@fastify/swagger', version: '7.6.1' }),
      'app.js': app,
    });
    const { urls } = docsRoutes(dir);
    assert.ok(urls.includes('/documentation/json'), JSON.stringify(urls));
  });

  it('the lockfile decides when nothing is installed; 8+ adds no routes', () => {
    const lock = (v: string) => JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/@fastify/swagger': { version: v } } });
    for (const [v, expect] of [['7.4.0', true], ['8.15.0', false]] as const) {
      const dir = writeWorkspace(`package-versions-lock-${v}`, {
        'package.json': JSON.stringify({ dependencies: { fastify: '^4.0.0', '@fastify/swagger': '*' } }),
        'package-lock.json': lock(v),
        'app.js': app,
      });
      const { urls, g } = docsRoutes(dir);
      assert.equal(urls.includes('/documentation/json'), expect, `${v}: ${JSON.stringify(urls)}`);
      assert.ok(!g.unresolved.some((u) => /version of @fastify\/swagger used is not known/.test(u.reason)));
    }
  });

  it('no version anywhere: the newest model, and an unresolved entry at the register call', () => {
    const dir = writeWorkspace('package-versions-unknown', {
      'package.json': JSON.stringify({ dependencies: { fastify: '^4.0.0', '@fastify/swagger': 'latest' } }),
      'app.js': app,
    });
    const { urls, g } = docsRoutes(dir);
    assert.deepEqual(urls, []);
    const note = g.unresolved.find((u) => /version of @fastify\/swagger used is not known/.test(u.reason));
    assert.ok(note?.span, JSON.stringify(g.unresolved));
    assert.equal(note.span.line, 2);
  });
});
