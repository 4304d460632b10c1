import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { Host } from '../../src/core/host';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import type { ModuleKind } from '../../src/core/workspace/resolve';
import { createResolver } from '../../src/core/workspace/resolve';
import { scanWorkspace } from '../../src/core/workspace/scan';
import { findWorkspaceRoot, pnpmWorkspacePackages } from '../../src/core/workspace/workspaces';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

/** A resolver over a temp workspace; file hits are relative paths, the rest as they are. */
function resolverFor(dir: string, root = dir) {
  const scan = scanWorkspace(root, createNodeHost());
  const resolver = createResolver(createNodeHost(), scan);
  return (from: string, spec: string, kind?: ModuleKind) => {
    const r = resolver.resolve(path.join(dir, from), spec, kind);
    return r.kind === 'file' ? path.relative(dir, r.path) : r;
  };
}

const reasons = (g: WorkspaceGraph) => g.unresolved.map((u) => u.reason);

describe('module resolution as apps use it', () => {
  describe('module-alias _moduleAliases', () => {
    const dir = writeWorkspace('res-alias', {
      'package.json': JSON.stringify({
        name: 'app',
        dependencies: { 'module-alias': '^2' },
        _moduleAliases: { '@routes': 'src/routes', '@routes/admin': 'src/admin-routes', '@root': '.', '@gone': 'nowhere' },
      }),
      'src/routes/index.js': '',
      'src/routes/users.js': '',
      'src/admin-routes/index.js': '',
      'server.js': '',
      'lib/x.js': '',
    });
    const resolve = resolverFor(dir);

    it('maps the alias and its subpaths, longest alias first, relative to the package.json', () => {
      assert.equal(resolve('server.js', '@routes'), 'src/routes/index.js');
      assert.equal(resolve('server.js', '@routes/index.js'), 'src/routes/index.js');
      assert.equal(resolve('lib/x.js', '@routes/users'), 'src/routes/users.js');
      assert.equal(resolve('server.js', '@routes/admin'), 'src/admin-routes/index.js');
      assert.equal(resolve('src/routes/users.js', '@root/lib/x'), 'lib/x.js');
    });

    it('does not take a longer name for the alias, and says when the aliased file is missing', () => {
      assert.deepEqual(resolve('server.js', '@routesx/a'), {
        kind: 'package', name: '@routesx/a', subpath: '', note: "'@routesx/a' is not a dependency in package.json, an alias or a workspace package",
      });
      const r = resolve('server.js', '@gone/x') as { kind: string; reason: string };
      assert.equal(r.kind, 'missing');
      assert.match(r.reason, /module alias '@gone'.*no such file/);
    });
  });

  describe('package.json imports', () => {
    const dir = writeWorkspace('res-imports', {
      'package.json': JSON.stringify({
        name: 'app',
        dependencies: { lodash: '^4' },
        imports: {
          '#routes/*': './src/routes/*.js',
          '#routes/special/*': './src/special/*.js',
          '#config': { node: { import: './src/config.mjs', require: './src/config.cjs' }, default: './src/config.browser.js' },
          '#order': { default: './src/default.js', require: './src/config.cjs' },
          '#fallback': ['./src/missing.js', './src/default.js'],
          '#private/*': null,
          '#dep': 'lodash',
          '#ts/*': './src/ts/*.js',
        },
      }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '#paths': ['./src/from-paths.ts'] } } }),
      'src/routes/a.js': '',
      'src/special/b.js': '',
      'src/config.mjs': '',
      'src/config.cjs': '',
      'src/config.browser.js': '',
      'src/default.js': '',
      'src/ts/thing.ts': '',
      'src/from-paths.ts': '',
      'server.js': '',
    });
    const resolve = resolverFor(dir);

    it('maps exact keys and * patterns (the longest prefix wins), .js targets to .ts sources', () => {
      assert.equal(resolve('server.js', '#routes/a'), 'src/routes/a.js');
      assert.equal(resolve('server.js', '#routes/special/b'), 'src/special/b.js');
      assert.equal(resolve('server.js', '#ts/thing'), 'src/ts/thing.ts');
    });

    it('picks conditions as Node does: nested node/import/require, written order, default', () => {
      assert.equal(resolve('server.js', '#config', 'require'), 'src/config.cjs');
      assert.equal(resolve('server.js', '#config', 'import'), 'src/config.mjs');
      // `default` is written first, and always matches.
      assert.equal(resolve('server.js', '#order', 'require'), 'src/default.js');
    });

    it('tries array targets in order, honours null, and follows bare targets as packages', () => {
      assert.equal(resolve('server.js', '#fallback'), 'src/default.js');
      assert.equal((resolve('server.js', '#private/x') as { kind: string }).kind, 'missing');
      assert.deepEqual(resolve('server.js', '#dep'), { kind: 'package', name: 'lodash', subpath: '' });
    });

    it('says when a # specifier matches nothing; tsconfig paths still come first', () => {
      const r = resolve('server.js', '#nope') as { kind: string; reason: string };
      assert.equal(r.kind, 'missing');
      assert.match(r.reason, /matches no entry of the "imports"/);
      assert.equal(resolve('server.js', '#paths'), 'src/from-paths.ts');
    });

    it('a require in a TypeScript file of a CommonJS package and an import in an ESM package get their condition', () => {
      const ws = writeWorkspace('res-imports-kinds', {
        'package.json': FASTIFY_PACKAGE.replace('"name":"tmp-app"', '"name":"tmp-app","imports":{"#p":{"import":"./esm.js","require":"./cjs.js"}}'),
        'cjs.js': "module.exports = async (app) => { app.get('/cjs', async () => 1) }",
        'esm.js': "module.exports = async (app) => { app.get('/esm', async () => 1) }",
        'server.ts': "import Fastify from 'fastify'\nimport p from '#p'\nconst app = Fastify()\napp.register(p)\napp.register(import('#p'), { prefix: '/dyn' })\n",
      });
      const g = analyzeWorkspace(ws, createNodeHost());
      assert.deepEqual(g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/cjs', '/dyn/esm']);
    });
  });

  describe('bare specifiers nobody declares', () => {
    const dir = writeWorkspace('res-undeclared', {
      'package.json': JSON.stringify({ name: 'root', workspaces: ['apps/*'], devDependencies: { 'shared-dev': '^1' } }),
      'apps/api/package.json': JSON.stringify({ name: 'api', dependencies: { fastify: '^5.0.0' } }),
      'apps/api/server.js': "const Fastify = require('fastify')\nconst x = require('@routes/x')\nrequire('shared-dev')\nrequire('node:path')\nrequire('api/server.js')\nFastify()\n",
    });
    const resolve = resolverFor(dir);

    it('are packages with a note; declared by the project or the workspace root, builtins and the package itself are not', () => {
      assert.deepEqual(resolve('apps/api/server.js', '@routes/x'), {
        kind: 'package', name: '@routes/x', subpath: '', note: "'@routes/x' is not a dependency in package.json, an alias or a workspace package",
      });
      assert.deepEqual(resolve('apps/api/server.js', 'fastify'), { kind: 'package', name: 'fastify', subpath: '' });
      assert.deepEqual(resolve('apps/api/server.js', 'shared-dev'), { kind: 'package', name: 'shared-dev', subpath: '' });
      assert.deepEqual(resolve('apps/api/server.js', 'node:path'), { kind: 'builtin', name: 'path' });
      assert.equal(resolve('apps/api/server.js', 'api/server.js'), 'apps/api/server.js');
    });

    it('give an unresolved entry at the require', () => {
      const g = analyzeWorkspace(dir, createNodeHost());
      const hits = g.unresolved.filter((u) => u.reason.includes('is not a dependency'));
      assert.deepEqual(hits.map((u) => [u.span?.line, u.reason]), [[2, "'@routes/x' is not a dependency in package.json, an alias or a workspace package"]]);
      assert.ok(!reasons(g).some((r) => r.startsWith('internal error')));
    });
  });

  describe('JSON modules as data', () => {
    const big = JSON.stringify({ $id: 'big', pad: 'x'.repeat(3000) });
    const dir = writeWorkspace('res-json', {
      'package.json': FASTIFY_PACKAGE,
      'user.json': '{ "$id": "user", "type": "object", "properties": { "n": { "type": ["string", "null"] } }, "x": [1, true, null, 2.5] }',
      'route.json': '{ "body": { "$ref": "user#" }, "params": { "type": "object" }, "response": { "200": { "$ref": "user#" }, "4xx": {} } }',
      'bad.json': '{ "$id": "bad", }',
      'big.json': big,
      'table.json': '[{ "url": "/a" }, { "url": "/b" }]',
      'esm.mjs': "import s from './user.json' with { type: 'json' }\nimport t from './table.json' assert { type: 'json' }\nexport default async function (app) {\n  const { default: r } = await import('./route.json', { with: { type: 'json' } })\n  app.post('/esm/' + s.$id, { schema: r }, async () => 1)\n  for (const x of t) app.get('/esm' + x.url, async () => 1)\n}\n",
      'server.js': [
        "const Fastify = require('fastify')",
        'const app = Fastify()',
        "app.addSchema(require('./user.json'))",
        "app.addSchema(require('./bad.json'))",
        "app.addSchema(require('./big'))",
        "const table = require('./table.json')",
        "app.post('/users', { schema: require('./route.json') }, async () => 1)",
        'for (const r of table) app.get(r.url, async () => 1)',
        "app.register(import('./esm.mjs'))",
        "if (require('./user.json').x[1] === true) app.get('/same-object', async () => 1)",
      ].join('\n'),
    });
    const g = analyzeWorkspace(dir, createNodeHost(), { maxFileBytes: 2000 });
    const app = g.apps[0];

    it('gives addSchema the $id and a route schema its parts', () => {
      assert.deepEqual(app.root.schemas.map((s) => s.id), ['user']);
      const post = app.routes.find((r) => r.url === '/users')!;
      assert.equal(post.schema?.body?.ref, 'user#');
      assert.ok(post.schema?.params);
      assert.deepEqual(post.schema?.response, ['200', '4xx']);
      assert.equal(post.schema?.span.line, 7);
    });

    it('reads arrays, strings, booleans and null; import with { type: json } / assert and import() of JSON', () => {
      const urls = app.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`);
      assert.deepEqual(urls, ['POST /users', 'GET /a', 'GET /b', 'GET /same-object', 'POST /esm/user', 'GET /esm/a', 'GET /esm/b']);
      assert.equal(app.routes.find((r) => r.url === '/esm/user')?.schema?.body?.ref, 'user#');
    });

    it('bad JSON and files over the size limit are unresolved entries and unknown values', () => {
      const rs = reasons(g);
      assert.ok(rs.some((r) => r.startsWith("JSON module './bad.json' could not be parsed")), rs.join('\n'));
      assert.ok(rs.some((r) => r.startsWith("JSON module './big' is too large to analyse")), rs.join('\n'));
      assert.equal(rs.filter((r) => r === 'addSchema(): $id not known statically').length, 2);
      assert.ok(!rs.some((r) => r.startsWith('internal error')));
    });
  });

  describe('workspaces', () => {
    it('reads the packages: list of pnpm-workspace.yaml (block and flow lists, quotes, comments)', () => {
      assert.deepEqual(pnpmWorkspacePackages("# c\npackages:\n  - 'packages/*'   # pkgs\n  - \"apps/**\"\n\n  - '!**/test/**'\ncatalog:\n  x: 1\n"), ['packages/*', 'apps/**', '!**/test/**']);
      assert.deepEqual(pnpmWorkspacePackages('onlyBuiltDependencies: []\npackages: [ "a/*", b ]\n'), ['a/*', 'b']);
      assert.deepEqual(pnpmWorkspacePackages('packages:\n- libs/*\n- tools/x\nother: 1\n'), ['libs/*', 'tools/x']);
    });

    it('finds npm/yarn workspaces (array or { packages }), with exclusions; glob packages win over other package.json files', () => {
      const dir = writeWorkspace('res-npm-ws', {
        'package.json': JSON.stringify({ name: 'root', private: true, workspaces: { packages: ['libs/*', 'tools/**', '!libs/legacy'] } }),
        'libs/common/package.json': '{ "name": "@acme/common" }',
        'libs/legacy/package.json': '{ "name": "@acme/common" }',
        'tools/deep/nested/package.json': '{ "name": "nested" }',
        'tools/node_modules/skip/package.json': '{ "name": "skip" }',
        'other/package.json': '{ "name": "@acme/common" }',
      });
      const root = findWorkspaceRoot(path.join(dir, 'libs', 'common'), createNodeHost())!;
      assert.equal(root.dir, dir);
      assert.deepEqual([...root.packages].map(([n, d]) => [n, path.relative(dir, d)]), [['@acme/common', 'libs/common'], ['nested', 'tools/deep/nested']]);
      const yarnArray = writeWorkspace('res-yarn-ws', { 'package.json': '{ "workspaces": ["pkgs/*"] }', 'pkgs/a/package.json': '{ "name": "a" }' });
      assert.deepEqual([...findWorkspaceRoot(yarnArray, createNodeHost())!.packages.keys()], ['a']);
    });

    it('resolves workspace packages by name when only one package is scanned, with exports subpaths and conditions', () => {
      const dir = writeWorkspace('res-pnpm-ws', {
        'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'build/tools/*'\n",
        'package.json': '{ "name": "root", "private": true }',
        'packages/api/package.json': JSON.stringify({ name: '@acme/api', dependencies: { '@acme/db': 'workspace:*' } }),
        'packages/api/src/server.ts': '',
        'packages/db/package.json': JSON.stringify({ name: '@acme/db', exports: { '.': './src/index.ts', './client': { import: './src/client.mjs', require: './src/client.cjs' }, './*': './src/more/*.ts' } }),
        'packages/db/src/index.ts': '',
        'packages/db/src/client.mjs': '',
        'packages/db/src/client.cjs': '',
        'packages/db/src/more/pool.ts': '',
        'build/tools/gen/package.json': '{ "name": "gen", "main": "main.js" }',
        'build/tools/gen/main.js': '',
      });
      const resolve = resolverFor(dir, path.join(dir, 'packages', 'api'));
      assert.equal(resolve('packages/api/src/server.ts', '@acme/db'), 'packages/db/src/index.ts');
      assert.equal(resolve('packages/api/src/server.ts', '@acme/db/client', 'require'), 'packages/db/src/client.cjs');
      assert.equal(resolve('packages/api/src/server.ts', '@acme/db/client', 'import'), 'packages/db/src/client.mjs');
      assert.equal(resolve('packages/api/src/server.ts', '@acme/db/pool'), 'packages/db/src/more/pool.ts');
      // A folder the scan skips (build/) is still a workspace package when the globs name it.
      assert.equal(resolve('packages/api/src/server.ts', 'gen'), 'build/tools/gen/main.js');
    });

    it('a tsconfig extends a workspace package by name (subpath, package tsconfig field, ${configDir})', () => {
      const dir = writeWorkspace('res-ws-tsconfig', {
        'package.json': '{ "name": "root", "workspaces": ["packages/*", "config/*"] }',
        'config/tsconfig/package.json': '{ "name": "@acme/tsconfig", "tsconfig": "./default.json" }',
        'config/tsconfig/base.json': '{ "compilerOptions": { "paths": { "~/*": ["${configDir}/src/*"] }, "outDir": "${configDir}/dist" } }',
        'config/tsconfig/default.json': '{ "compilerOptions": { "baseUrl": "." } }',
        'packages/api/package.json': '{ "name": "api" }',
        'packages/api/tsconfig.json': '{ "extends": "@acme/tsconfig/base.json" }',
        'packages/api/src/lib/db.ts': '',
        'packages/web/package.json': '{ "name": "web" }',
        'packages/web/tsconfig.json': '{ "extends": "@acme/tsconfig" }',
      });
      const scan = scanWorkspace(dir, createNodeHost());
      assert.deepEqual(scan.unresolved, []);
      const api = scan.projects.find((p) => p.name === 'api')!;
      assert.deepEqual(api.tsconfig?.paths, { '~/*': [path.join(dir, 'packages/api/src/*')] });
      assert.equal(api.tsconfig?.outDir, path.join(dir, 'packages/api/dist'));
      assert.equal(scan.projects.find((p) => p.name === 'web')!.tsconfig?.baseUrl, path.join(dir, 'config/tsconfig'));
      assert.equal(resolverFor(dir)('packages/api/src/x.ts', '~/lib/db'), 'packages/api/src/lib/db.ts');
    });
  });

  it('never reads code under node_modules (package manifests and tsconfig files only)', () => {
    const dir = writeWorkspace('res-no-node-modules', {
      'package.json': JSON.stringify({ name: 'app', dependencies: { fastify: '^5.0.0', lib: '^1', 'module-alias': '^2' }, _moduleAliases: { '@x': 'node_modules/lib' } }),
      'node_modules/lib/package.json': '{ "name": "lib", "main": "index.js" }',
      'node_modules/lib/index.js': "require('fs').writeFileSync('marker', '')",
      'node_modules/lib/data.json': '{ "$id": "from-node-modules" }',
      'server.js': "require('module-alias/register')\nconst Fastify = require('fastify')\nrequire('lib')\nrequire('lib/data.json')\nconst app = Fastify()\n",
    });
    const read: string[] = [];
    const base = createNodeHost();
    const host: Host = { ...base, readFile: (p) => (read.push(p), base.readFile(p)) };
    analyzeWorkspace(dir, host);
    const code = read.filter((p) => p.includes('/node_modules/') && !/\/package\.json$|\/tsconfig[^/]*\.json$/.test(p));
    assert.deepEqual(code, []);
  });
});
