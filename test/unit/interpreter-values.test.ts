import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const analyze = (dir: string) => analyzeWorkspace(dir, createNodeHost());
/** Known URLs in declaration order (values under test are written into URLs), unknown ones as `?`. */
const urls = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => (r.urlKnown ? r.url : '?')));
const noInternalErrors = (g: WorkspaceGraph) =>
  assert.deepEqual(g.unresolved.filter((u) => u.reason.includes('internal error')), [], 'no internal error');

/** One server.js whose top level is `code` after `const app = require('fastify')()` and `const h = async () => 1`. */
function run(name: string, code: string, files: Record<string, string> = {}): WorkspaceGraph {
  const dir = writeWorkspace(`interp-${name}`, {
    'package.json': FASTIFY_PACKAGE,
    'server.js': `const app = require('fastify')()\nconst h = async () => 1\n${code}\nmodule.exports = app\n`,
    ...files,
  });
  const g = analyze(dir);
  noInternalErrors(g);
  return g;
}

describe('interpreter values: Map and Set', () => {
  it('Map: set/get/has/delete/size/clear and insertion order', () => {
    const g = run(
      'map-methods',
      `const m = new Map([['a', '/one'], ['b', '/two']])
m.set('c', '/three').set('a', '/uno')
m.delete('b')
app.get(m.get('a'), h)
app.get('/has-' + m.has('b') + '-' + m.has('c'), h)
app.get('/size-' + m.size, h)
app.get('/missing-' + typeof m.get('zzz'), h)
app.get('/keys-' + [...m.keys()].join('-'), h)
app.get('/values' + Array.from(m.values()).join(''), h)
app.get('/entries-' + [...m.entries()].map(([k, v]) => k + v.length).join('-'), h)
m.forEach((v, k, self) => app.get('/each-' + k + '-' + self.size, h))
m.clear()
app.get('/cleared-' + m.size, h)`,
    );
    assert.deepEqual(urls(g), [
      '/uno',
      '/has-false-true',
      '/size-2',
      '/missing-undefined',
      '/keys-a-c',
      '/values/uno/three',
      '/entries-a4-c6',
      '/each-a-2',
      '/each-c-2',
      '/cleared-0',
    ]);
  });

  it('Map: object keys compare by identity; an unknown key makes lookups unknown, not wrong', () => {
    const g = run(
      'map-keys',
      `const k1 = { id: 1 }
const k2 = { id: 1 }
const m = new Map()
m.set(k1, '/by-identity')
app.get(m.get(k1), h)
app.get('/other-' + m.has(k2), h)
m.set(process.env.KEY, '/env')
app.get(m.get('x'), h)
app.get('/size-' + m.size, h)
for (const [, v] of m) app.get(v + '/iterated', h)`,
    );
    assert.deepEqual(urls(g), ['/by-identity', '/other-false', '?', '?', '/by-identity/iterated', '/env/iterated']);
  });

  it('Set: add dedupes, has/delete/size, spread, Array.from, for…of, forEach(value, value)', () => {
    const g = run(
      'set-methods',
      `const s = new Set(['get', 'post', 'get'])
s.add('put').add('post')
s.delete('post')
app.get('/size-' + s.size + '-' + s.has('get') + '-' + s.has('post'), h)
app.get('/spread-' + [...s].join('-'), h)
app.get('/from-' + Array.from(s, (m) => m.toUpperCase()).join('-'), h)
for (const m of s) app[m]('/loop', h)
s.forEach((v, k) => app.get('/each-' + v + '-' + k, h))
app.get('/chars-' + [...new Set('abca')].join(''), h)`,
    );
    assert.deepEqual(urls(g), [
      '/size-2-true-false',
      '/spread-get-put',
      '/from-GET-PUT',
      '/loop',
      '/loop',
      '/each-get-get',
      '/each-put-put',
      '/chars-abc',
    ]);
  });

  it('a Map built from an unknown iterable is partial: loops over it run once as a maybe', () => {
    const g = run('map-partial', `const m = new Map(JSON.parse(process.env.ROUTES))\nfor (const [url] of m) app.get(url, h)\napp.get('/size-' + m.size, h)`);
    assert.deepEqual(urls(g), ['?', '?']);
    assert.ok(g.apps[0].routes[0].conditional, 'the route from the unknown loop is conditional');
  });

  it('class instances as registries: a private Map, a getter, methods returning this', () => {
    const g = run(
      'class-registry',
      `class Registry {
  #routes = new Map()
  add (method, url) { this.#routes.set(method + ' ' + url, { method, url }); return this }
  get count () { return this.#routes.size }
  get list () { return [...this.#routes.values()] }
}
const r = new Registry().add('get', '/a').add('post', '/b').add('get', '/a')
app.get('/count-' + r.count, h)
app.register(async (i) => { for (const { method, url } of r.list) i[method](url, {}, h) })`,
    );
    assert.deepEqual(urls(g), ['/count-2', '/a', '/b']);
  });
});

describe('interpreter values: copies of option objects', () => {
  it('structuredClone, Object.assign, spread and a JSON round trip keep the keys', () => {
    const g = run(
      'copies',
      `const opts = { prefix: '/p', nested: { deep: '/d' }, list: ['/l'] }
const c1 = structuredClone(opts)
const c2 = Object.assign({}, opts)
const c3 = { ...opts }
const c4 = JSON.parse(JSON.stringify(opts))
opts.prefix = '/changed'
opts.nested.deep = '/changed-deep'
app.get(c1.prefix + c1.nested.deep + c1.list[0], h)
app.get(c2.prefix + c2.nested.deep, h)
app.get(c3.prefix + c3.nested.deep, h)
app.get(c4.prefix + c4.nested.deep + c4.list[0], h)`,
    );
    // structuredClone and JSON copy deeply; assign and spread are shallow (nested objects shared).
    assert.deepEqual(urls(g), ['/p/d/l', '/p/changed-deep', '/p/changed-deep', '/p/d/l']);
  });

  it('JSON.stringify drops functions and undefined; unknown parts make the copy unknown', () => {
    const g = run(
      'json-copies',
      `const text = JSON.stringify({ a: 1, f () {}, u: undefined, arr: [undefined, 2] })
app.get('/json-' + text.length, h)
app.get('/' + JSON.parse(JSON.stringify({ k: process.env.K })).k, h)
app.get('/clone-' + typeof structuredClone({ a: 1 }).a, h)`,
    );
    // '{"a":1,"arr":[null,2]}' is 22 characters.
    assert.equal(urls(g)[0], '/json-22');
    assert.equal(urls(g)[1], '?');
    assert.equal(urls(g)[2], '/clone-number');
  });

  it('autoload options built from structuredClone(opts) keep the prefix (fastify-cli root plugin)', () => {
    const dir = writeWorkspace('interp-clone-autoload', {
      'package.json': JSON.stringify({ name: 'x', scripts: { start: 'fastify start app.js' }, dependencies: { fastify: '^5.0.0', '@fastify/autoload': '^6.0.0' } }),
      'app.js': `const path = require('path')\nconst AutoLoad = require('@fastify/autoload')\nmodule.exports = async function (fastify, opts) {\n  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: { ...structuredClone(opts), prefix: '/api' } })\n}\n`,
      'routes/users.js': "module.exports = async function (f) { f.get('/', async () => []) }\n",
    });
    const g = analyze(dir);
    noInternalErrors(g);
    // A file at the top of the folder gets the options' prefix only (folders add their names).
    assert.deepEqual(urls(g), ['/api']);
  });
});

describe('interpreter values: the file system as apps read it', () => {
  const files = {
    'routes/a.js': "module.exports = async function (f) { f.get('/', async () => 'a') }\n",
    'routes/sub/b.js': "module.exports = async function (f) { f.get('/', async () => 'b') }\n",
    'routes/sub/deeper/c.js': "module.exports = async function (f) { f.get('/', async () => 'c') }\n",
    'routes/z.txt': 'not code\n',
  };

  it('Dirents: name, parentPath/path, isDirectory/isFile/isSymbolicLink (links not followed)', () => {
    const dir = writeWorkspace('interp-dirents', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': `const fs = require('fs')
const path = require('path')
const app = require('fastify')()
const h = async () => 1
for (const d of fs.readdirSync(path.join(__dirname, 'routes'), { withFileTypes: true })) {
  app.get('/' + d.name.replace(/\\./g, '_') + '-' + d.isDirectory() + '-' + d.isFile() + '-' + d.isSymbolicLink() + '-' + (d.parentPath === d.path) + '-' + path.basename(d.parentPath), h)
}
const st = fs.statSync(path.join(__dirname, 'linked'))
app.get('/stat-' + st.isDirectory() + '-' + st.isFile(), h)
const lst = fs.lstatSync(path.join(__dirname, 'linked'))
app.get('/lstat-' + lst.isDirectory() + '-' + lst.isSymbolicLink(), h)
module.exports = app
`,
      ...files,
    });
    fs.symlinkSync(path.join(dir, 'routes', 'sub'), path.join(dir, 'routes', 'link'));
    fs.symlinkSync(path.join(dir, 'routes'), path.join(dir, 'linked'));
    const g = analyze(dir);
    noInternalErrors(g);
    assert.deepEqual(urls(g), [
      '/a_js-false-true-false-true-routes',
      '/link-false-false-true-true-routes',
      '/sub-true-false-false-true-routes',
      '/z_txt-false-true-false-true-routes',
      '/stat-true-false',
      '/lstat-false-true',
    ]);
  });

  it('recursive: true gives relative names with "/" in Node 20 order (sync breadth first, promises last folder first)', () => {
    const g = run(
      'recursive-names',
      `const fs = require('fs')
const base = require('path').join(__dirname, 'routes')
app.get('/sync/' + fs.readdirSync(base, { recursive: true }).join(','), h)
fs.readdir(base, { recursive: true }, (err, names) => app.get('/cb/' + names.join(','), h))
app.register(async (i) => {
  const names = await fs.promises.readdir(base, { recursive: true })
  i.get('/promise/' + names.join(','), h)
  const dirents = await require('node:fs/promises').readdir(base, { withFileTypes: true, recursive: true })
  i.get('/dirents/' + dirents.map((d) => require('path').relative(base, require('path').join(d.parentPath, d.name))).join(','), h)
})`,
      files,
    );
    assert.deepEqual(urls(g), [
      '/sync/a.js,sub,z.txt,sub/b.js,sub/deeper,sub/deeper/c.js',
      '/cb/a.js,sub,z.txt,sub/b.js,sub/deeper,sub/deeper/c.js',
      '/promise/a.js,sub,z.txt,sub/b.js,sub/deeper,sub/deeper/c.js',
      '/dirents/a.js,sub,z.txt,sub/b.js,sub/deeper,sub/deeper/c.js',
    ]);
  });

  it('the promise order differs from the sync one when a folder has two subfolders, as in Node 20', async () => {
    const g = run(
      'recursive-order',
      `const fs = require('fs')
const base = require('path').join(__dirname, 'r')
app.get('/sync/' + fs.readdirSync(base, { recursive: true }).join(','), h)
app.register(async (i) => { i.get('/promise/' + (await fs.promises.readdir(base, { recursive: true })).join(','), h) })`,
      { 'r/a/x.js': '', 'r/b/y.js': '', 'r/top.js': '' },
    );
    assert.deepEqual(urls(g), ['/sync/a,b,top.js,a/x.js,b/y.js', '/promise/a,b,top.js,b/y.js,a/x.js']);
    // What this Node does on the same folder (its listing order is the file system's; here it is by name).
    const base = path.join(path.dirname(g.apps[0].entry.file), 'r');
    assert.equal(urls(g)[0], '/sync/' + fs.readdirSync(base, { recursive: true }).join(','));
    assert.equal(urls(g)[1], '/promise/' + (await fs.promises.readdir(base, { recursive: true })).join(','));
  });

  it("ES modules: import { readdir } from 'node:fs/promises', fs.promises, Dirents and await import()", () => {
    const dir = writeWorkspace('interp-esm-fs', {
      'package.json': JSON.stringify({ name: 'esm', type: 'module', dependencies: { fastify: '^5.0.0' } }),
      'server.mjs': `import Fastify from 'fastify'
import fs from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
const app = Fastify()
const base = join(import.meta.dirname, 'routes')
app.register(async (i) => {
  for (const d of await readdir(base, { withFileTypes: true, recursive: true })) {
    if (d.isFile() && d.name.endsWith('.js')) i.register((await import(join(d.parentPath, d.name))).default, { prefix: '/esm' })
  }
  const names = await fs.promises.readdir(base)
  i.get('/names/' + names.join('+'), async () => 1)
})
export default app
`,
      'routes/a.js': "export default async function (f) { f.get('/a', async () => 1) }\n",
      'routes/sub/b.js': "export default async function (f) { f.get('/b', async () => 1) }\n",
    });
    const g = analyze(dir);
    noInternalErrors(g);
    assert.deepEqual(urls(g), ['/names/a.js+sub', '/esm/a', '/esm/b']);
  });

  it('a deep recursive walk that collects files and requires each finds all their routes', () => {
    const deep: Record<string, string> = {};
    let rel = 'routes';
    for (let i = 1; i <= 7; i++) {
      rel += `/l${i}`;
      deep[`${rel}/r${i}.js`] = `module.exports = async function (f) { f.get('/', async () => ${i}) }\n`;
    }
    const g = run(
      'deep-walk',
      `const fs = require('fs')
const path = require('path')
function walk (dir, acc) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) walk(full, acc)
    else if (e.name.endsWith('.js')) acc.push(full)
  }
  return acc
}
const root = path.join(__dirname, 'routes')
for (const file of walk(root, [])) app.register(require(file), { prefix: '/' + path.basename(file, '.js') })`,
      deep,
    );
    // The Host lists folders by name; Node lists them in the file system's order: compare as sets.
    assert.deepEqual(urls(g).sort(), ['/r1', '/r2', '/r3', '/r4', '/r5', '/r6', '/r7']);
  });

  it('deeper recursion is only for folder walks: a branching recursion on strings stays bounded', () => {
    const start = Date.now();
    const g = run(
      'branching-recursion',
      `function grow (s) { if (s.length < 40) { grow(s + 'a'); grow(s + 'b'); grow(s + 'c') } }
grow('/x')
app.get('/after', h)`,
    );
    assert.deepEqual(urls(g), ['/after']);
    assert.ok(Date.now() - start < 5000, 'ends quickly');
  });

  it('relative paths and process.cwd() resolve against the project folder, wherever the analysis runs', () => {
    const dir = writeWorkspace('interp-relative', {
      'package.json': FASTIFY_PACKAGE,
      'src/server.js': `const fs = require('fs')
const path = require('path')
const app = require('fastify')()
for (const f of fs.readdirSync('routes')) app.register(require(path.resolve('routes', f)), { prefix: '/rel' })
for (const f of fs.readdirSync(path.join(process.cwd(), 'routes'))) app.register(require(path.join(process.cwd(), 'routes', f)), { prefix: '/cwd' })
if (fs.existsSync('routes/a.js') && fs.statSync('routes').isDirectory()) app.get('/exists', async () => 1)
module.exports = app
`,
      'routes/a.js': "module.exports = async function (f) { f.get('/a', async () => 1) }\n",
    });
    const here = process.cwd();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-cwd-'));
    fs.mkdirSync(path.join(elsewhere, 'routes'));
    fs.writeFileSync(path.join(elsewhere, 'routes', 'decoy.js'), "module.exports = async function (f) { f.get('/decoy', async () => 1) }\n");
    let fromProject: string[];
    let fromElsewhere: string[];
    let fixtureHere: string[];
    let fixtureElsewhere: string[];
    const fixture = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'fs-walk'));
    try {
      process.chdir(dir);
      fromProject = urls(analyze(dir));
      fixtureHere = urls(analyze(fixture));
      process.chdir(elsewhere);
      fromElsewhere = urls(analyze(dir));
      fixtureElsewhere = urls(analyze(fixture));
    } finally {
      process.chdir(here);
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    // Registered plugins load after the body that registered them, as avvio does.
    assert.deepEqual(fromProject, ['/exists', '/rel/a', '/cwd/a']);
    assert.deepEqual(fromElsewhere, fromProject);
    assert.deepEqual(fixtureElsewhere, fixtureHere);
    assert.ok(fixtureHere.includes('/pages/home'), fixtureHere.join(' '));
  });

  it('a path known only at run time stays unknown, and a missing folder says so', () => {
    const g = run(
      'fs-unknown',
      `const fs = require('fs')
for (const f of fs.readdirSync(process.env.DIR)) app.get('/' + f, h)
for (const f of fs.readdirSync(__dirname + '/nope')) app.get('/' + f, h)`,
    );
    assert.deepEqual(urls(g), ['?', '?']);
    assert.ok(g.unresolved.some((u) => u.reason.includes('nope') && u.reason.includes('could not be read')), g.unresolved.map((u) => u.reason).join('\n'));
  });
});
