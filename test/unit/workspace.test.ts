import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodeHost } from '../../src/core/node-host';
import { parseFastifyStart } from '../../src/core/workspace/fastify-cli-args';
import { createResolver } from '../../src/core/workspace/resolve';
import { relativeTo } from '../../src/core/workspace/relative-path';
import { scanWorkspace, targetsV4 } from '../../src/core/workspace/scan';
import { writeWorkspace } from '../support/temp-workspace';

describe('workspace scan', () => {
  it('parses fastify start commands: flags with values are not the entry', () => {
    assert.deepEqual(parseFastifyStart('fastify start -l info app.js'), [{ entry: 'app.js', prefix: undefined }]);
    assert.deepEqual(parseFastifyStart('npm run build:ts && fastify start -w -l info -x /api -P dist/app.js'), [{ entry: 'dist/app.js', prefix: '/api' }]);
    assert.deepEqual(parseFastifyStart('node server.js'), []);
  });

  it('tells Fastify 4 ranges from Fastify 5 ones', () => {
    for (const r of ['^4.28.1', '~4.2', '4.x', '>=4 <5', 'npm:fastify@^4']) assert.equal(targetsV4(r), true, r);
    for (const r of ['^5.0.0', '5.x', '^4 || ^5', 'latest', '*']) assert.equal(targetsV4(r), false, r);
  });

  it('finds projects, their tsconfig (comments, extends) and source files; skips node_modules, dist and dot folders', () => {
    const dir = writeWorkspace('scan', {
      'package.json': '{ "name": "root", "scripts": { "start": "fastify start -l info app.js" }, "dependencies": { "fastify": "^4.0.0" } }',
      'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": "." } }',
      'tsconfig.json': '{\n  // a comment\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": { "paths": { "@lib/*": ["src/lib/*"] }, "outDir": "dist", },\n}',
      'app.js': '',
      'src/lib/x.ts': '',
      'src/types.d.ts': '',
      'node_modules/fastify/index.js': '',
      'dist/app.js': '',
      '.cache/y.js': '',
      'packages/inner/package.json': '{ "name": "inner", "type": "module" }',
      'packages/inner/index.mjs': '',
      'broken/package.json': '{ nope',
    });
    const scan = scanWorkspace(dir, createNodeHost());
    assert.deepEqual(scan.files.map((f) => path.relative(dir, f.path)), ['app.js', 'packages/inner/index.mjs', 'src/lib/x.ts']);
    const root = scan.projects.find((p) => p.dir === dir)!;
    assert.equal(root.fastifyMajor, 4);
    assert.deepEqual(root.cliEntries, [path.join(dir, 'app.js')]);
    assert.equal(root.tsconfig?.baseUrl, dir);
    assert.deepEqual(root.tsconfig?.paths, { '@lib/*': ['src/lib/*'] });
    assert.equal(root.tsconfig?.outDir, path.join(dir, 'dist'));
    assert.equal(scan.files[1].project?.name, 'inner');
    assert.equal(scan.files[1].project?.moduleType, 'module');
    assert.ok(scan.unresolved.some((u) => u.reason.startsWith('package.json could not be parsed')));
  });
});

describe('module resolution', () => {
  let dir: string;
  let resolve: (from: string, spec: string) => unknown;
  before(() => {
    dir = writeWorkspace('resolve', {
      'package.json': '{ "name": "app", "dependencies": { "@fastify/autoload": "^6.0.0", "lodash": "^4.0.0" } }',
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": "src", "paths": { "@lib/*": ["lib/*"], "#config": ["config/index.ts"] } } }',
      'src/main.ts': '',
      'src/util.ts': '',
      'src/lib/db.ts': '',
      'src/config/index.ts': '',
      'src/plugins/index.js': '',
      'src/pkg/package.json': '{ "main": "lib/entry.js" }',
      'src/pkg/lib/entry.js': '',
      'src/shared.ts': '',
      'packages/common/package.json': '{ "name": "@acme/common", "exports": { ".": { "import": "./src/index.ts" } } }',
      'packages/common/src/index.ts': '',
    });
    const scan = scanWorkspace(dir, createNodeHost());
    const resolver = createResolver(createNodeHost(), scan);
    resolve = (from, spec) => {
      const r = resolver.resolve(path.join(dir, from), spec);
      return r.kind === 'file' ? path.relative(dir, r.path) : r;
    };
  });

  it('resolves relative paths with extensions, .js to .ts twins, folder index and package main', () => {
    assert.equal(resolve('src/main.ts', './util'), 'src/util.ts');
    assert.equal(resolve('src/main.ts', './util.js'), 'src/util.ts');
    assert.equal(resolve('src/main.ts', './plugins'), 'src/plugins/index.js');
    assert.equal(resolve('src/main.ts', './pkg'), 'src/pkg/lib/entry.js');
    assert.deepEqual(resolve('src/main.ts', './nope'), { kind: 'missing', reason: 'no such file' });
  });

  it('uses tsconfig paths (wildcards and exact) and baseUrl', () => {
    assert.equal(resolve('src/main.ts', '@lib/db'), 'src/lib/db.ts');
    assert.equal(resolve('src/main.ts', '#config'), 'src/config/index.ts');
    assert.equal(resolve('src/main.ts', 'shared'), 'src/shared.ts');
  });

  it('finds workspace packages by name, node builtins, and leaves other packages as names', () => {
    assert.equal(resolve('src/main.ts', '@acme/common'), 'packages/common/src/index.ts');
    assert.deepEqual(resolve('src/main.ts', 'node:path'), { kind: 'builtin', name: 'path' });
    assert.deepEqual(resolve('src/main.ts', 'fs/promises'), { kind: 'builtin', name: 'fs/promises' });
    assert.deepEqual(resolve('src/main.ts', '@fastify/autoload'), { kind: 'package', name: '@fastify/autoload', subpath: '' });
    assert.deepEqual(resolve('src/main.ts', 'lodash/fp'), { kind: 'package', name: 'lodash', subpath: 'fp' });
  });

  it('never reads node_modules', () => {
    fs.mkdirSync(path.join(dir, 'node_modules', 'lodash'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'lodash', 'index.js'), '');
    assert.deepEqual(resolve('src/main.ts', 'lodash'), { kind: 'package', name: 'lodash', subpath: '' });
  });
});

describe('relativeTo (posix.relative without its resolve for paths inside)', () => {
  it('equals posix.relative on paths inside, outside, equal, with dot segments, doubled and trailing slashes', () => {
    const segs = ['a', 'b', '.', '..', '', '.x', '..y', 'routes', 'index.js'];
    const paths: string[] = ['/', '/a', '/a/', '/a/b'];
    // Every path of up to three segments from the list, under /a and under /: 1,500 pairs and more.
    for (const x of segs) for (const y of segs) for (const z of ['', ...segs]) paths.push(`/a/${x}/${y}${z ? '/' + z : ''}`, `/${x}/${y}`);
    let compared = 0;
    for (const from of ['/', '/a', '/a/', '/a/b', '/a/./b', '/a/b/']) for (const to of paths) {
      assert.equal(relativeTo(from, to), path.posix.relative(from, to), `${from} → ${to}`);
      compared++;
    }
    assert.ok(compared > 1500);
  });
});
