import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { analysePackageCase, bootPackageCases, caseWorkspaceName, type PackageCase, type Seen } from '../support/package-boot';
import { writeWorkspace } from '../support/temp-workspace';

/**
 * @fastify/static with `wildcard: false` declares HEAD+GET per file found under `root` when it
 * registers: the analyser lists the folder through its Host. Each case's workspace (with its
 * files) is written before the boot, so the real @fastify/static (on Fastify 5) globs the very
 * folder the analyser lists. Routes are compared sorted: glob's order is the file system's.
 */

const FILES: Record<string, string> = {
  'public/index.html': '<p>home</p>',
  'public/app.css': 'body {}',
  'public/js/main.txt': 'x',
  'public/sub/index.html': '<p>sub</p>',
  'public/sub/deep/page.html': '<p>deep</p>',
  'public/.hidden': 'secret',
  'public/.well-known/security.txt': 'contact',
  'extra/app.css': 'p {}',
  'extra/more.txt': 'more',
};

const WORKSPACES = path.join(fs.realpathSync(path.join(__dirname, '..', '..')), 'test', '.tmp');

function staticCase(id: string, opts: (dir: string) => string): PackageCase {
  const dir = path.join(WORKSPACES, caseWorkspaceName(id, '^5.0.0'));
  return { id, files: FILES, registers: [{ pkg: '@fastify/static', opts: opts(dir) }] };
}

const root = (dir: string, sub = 'public') => JSON.stringify(path.join(dir, sub));

const CASES: PackageCase[] = [
  staticCase('static files default', (d) => `{ root: ${root(d)}, wildcard: false }`),
  staticCase('static files prefix redirect', (d) => `{ root: ${root(d)}, wildcard: false, prefix: '/assets', redirect: true }`),
  staticCase('static files dot index', (d) => `{ root: ${root(d)}, wildcard: false, serveDotFiles: true, index: ['page.html', 'app.css'] }`),
  staticCase('static files two roots', (d) => `{ root: [${root(d)}, ${root(d, 'extra')}], wildcard: false, prefix: '/p/', decorateReply: false }`),
  staticCase('static files allowedPath list index false', (d) => `{ root: ${root(d)}, wildcard: false, allowedPath: () => true, list: true, index: false }`),
  staticCase('static files serve false', (d) => `{ root: ${root(d)}, wildcard: false, serve: false }`),
];

describe('@fastify/static wildcard: false routes equal the real package (booted with fastify 5)', function () {
  this.timeout(60_000);
  let booted: Map<string, Seen>;
  before(async () => {
    for (const c of CASES) writeWorkspace(caseWorkspaceName(c.id, '^5.0.0'), c.files ?? {});
    booted = await bootPackageCases(CASES, { fastify: 5 });
  });

  for (const c of CASES) {
    it(c.id, () => {
      const real = booted.get(c.id);
      assert.ok(real, `no boot result for ${c.id}`);
      const { graph, app, seen } = analysePackageCase(c, '^5.0.0');
      assert.deepEqual(seen.decorators, real.decorators, 'decorators (target.name@context)');
      assert.deepEqual(seen.hooks, real.hooks, 'hooks (name@context)');
      assert.deepEqual([...seen.routes].sort(), [...real.routes].sort(), 'routes');
      if (!/serve false/.test(c.id)) assert.ok(real.routes.length > 4, `the folder gives routes: ${JSON.stringify(real.routes)}`);
      assert.ok(app.routes.every((r) => r.package === '@fastify/static'), 'every route is marked as from its package');
      assert.deepEqual(graph.unresolved.filter((u) => /not analysed|internal error|not listed/.test(u.reason)), []);
    });
  }
});

describe('@fastify/static wildcard: false, redirect: true and an index file at the top of root', function () {
  this.timeout(60_000);
  it('Fastify refuses the empty URL of its redirect route: the analyser lists the other routes and says why', async () => {
    const c = staticCase('static files root redirect', (d) => `{ root: ${root(d)}, wildcard: false, redirect: true }`);
    writeWorkspace(caseWorkspaceName(c.id, '^5.0.0'), c.files ?? {});
    const real = (await bootPackageCases([c], { fastify: 5 })).get(c.id);
    assert.match(real?.decorators[0] ?? '', /boot error: .*The path could not be empty/);
    const { graph, seen } = analysePackageCase(c, '^5.0.0');
    assert.ok(seen.routes.includes('GET /sub@root') && !seen.routes.some((r) => /^\w+ @/.test(r)), JSON.stringify(seen.routes));
    assert.ok(graph.unresolved.some((u) => /empty URL for the index file at the top of root/.test(u.reason)), JSON.stringify(graph.unresolved));
  });
});

describe('@fastify/static wildcard: false when the folder is not known', () => {
  const analyse = (name: string, opts: string) => {
    const dir = writeWorkspace(name, {
      ...FILES,
      'package.json': JSON.stringify({ dependencies: { fastify: '^5.0.0', '@fastify/static': '*' } }),
      'app.js': `const path = require('path')\nconst app = require('fastify')()\napp.register(require('@fastify/static'), ${opts})\nmodule.exports = app\n`,
    });
    return analyzeWorkspace(dir, createNodeHost());
  };

  it('a root built with path.join(__dirname) is listed', () => {
    const g = analyse('static-files-dirname', "{ root: path.join(__dirname, 'public'), wildcard: false, prefix: '/s/' }");
    assert.ok(g.apps[0].routes.some((r) => r.url === '/s/sub/deep/page.html' && r.methods.includes('GET')), JSON.stringify(g.apps[0].routes.map((r) => r.url)));
  });

  for (const [what, opts, why] of [
    ['a root known only at run time', '{ root: process.env.STATIC_ROOT, wildcard: false }', /option root is not known statically/],
    ['a root outside the workspace', "{ root: '/usr/share', wildcard: false }", /outside the workspace/],
    ['a missing root', "{ root: path.join(__dirname, 'nope'), wildcard: false }", /could not be read/],
    ['globIgnore', "{ root: path.join(__dirname, 'public'), wildcard: false, globIgnore: ['**/*.css'] }", /globIgnore/],
  ] as const) {
    it(`${what}: no routes, and a note saying why`, () => {
      const g = analyse(`static-files-${what.replace(/\W+/g, '-')}`, opts);
      assert.deepEqual(g.apps[0].routes.map((r) => r.url), []);
      const note = g.unresolved.find((u) => /wildcard: false .* not listed/.test(u.reason));
      assert.ok(note, JSON.stringify(g.unresolved));
      assert.match(note.reason, why);
    });
  }
});
