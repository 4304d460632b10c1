import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceGraph } from '../../src/core/model';
import { analyzeManyInChild, early } from '../support/child-analysis';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

const urls = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`)).sort();
const reasons = (g: WorkspaceGraph) => g.unresolved.map((u) => u.reason);

/**
 * Every case is analysed in a child process with a time limit of its own (analyzeManyInChild): mocha
 * cannot interrupt synchronous code, so a hang inside the analyser would leave the run stuck; here
 * the child is killed, the case fails by name and the cases after it go on in a new child. The
 * workspaces are written and their analyses started before any test runs (a root hook), in the
 * background while the other test files run.
 */
const TIME_LIMIT_MS = 20_000;
const cases = new Map<string, () => string>();
const started = new Map<string, Promise<WorkspaceGraph>>();
function pathological(name: string, write: () => string): void {
  cases.set(name, write);
}
/** The graph of a case, free of internal errors. */
async function analyze(name: string): Promise<{ dir: string; g: WorkspaceGraph }> {
  const dir = path.join(__dirname, '..', '.tmp', name);
  const g = await started.get(name)!;
  assertNoInternalError(g, `the analysis of ${name}`);
  return { dir: fs.realpathSync(dir), g };
}
before(() => {
  const names = [...cases.keys()];
  const graphs = analyzeManyInChild(names.map((name) => cases.get(name)!()), TIME_LIMIT_MS);
  names.forEach((name, i) => started.set(name, early(graphs[i])));
});

pathological('syntax-error', () =>
  writeWorkspace('syntax-error', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.get('/ok', async () => 1)\napp.get('/broken', async () => {\n  const x = ;\n})\napp.get('/after', async () => 2)\n",
  }),
);
pathological('register-cycle', () =>
  writeWorkspace('register-cycle', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.register(require('./a'), { prefix: '/a' })\n",
    'a.js': "module.exports = async function a (f) { f.get('/x', async () => 1); f.register(require('./b'), { prefix: '/b' }) }\n",
    'b.js': "module.exports = async function b (f) { f.get('/y', async () => 1); f.register(require('./a')) }\n",
  }),
);
pathological('autoload-cycle', () =>
  writeWorkspace('autoload-cycle', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.register(require('@fastify/autoload'), { dir: require('path').join(__dirname, 'routes') })\n",
    'routes/again.js': "const path = require('path')\nmodule.exports = async function (f) { f.get('/', async () => 1); f.register(require('@fastify/autoload'), { dir: __dirname }) }\n",
  }),
);
pathological('symlink-loop', () => {
  const dir = writeWorkspace('symlink-loop', {
    'package.json': FASTIFY_PACKAGE,
    'src/server.js': "const app = require('fastify')()\napp.get('/', async () => 1)\n",
  });
  fs.symlinkSync(path.join(dir, 'src'), path.join(dir, 'src', 'loop'));
  return dir;
});
pathological('non-utf8', () =>
  writeWorkspace('non-utf8', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': Buffer.concat([Buffer.from("const app = require('fastify')()\n// caf"), Buffer.from([0xe9, 0xff]), Buffer.from("\napp.get('/menu', async () => 1)\n")]),
  }),
);
pathological('unresolvable', () =>
  writeWorkspace('unresolvable', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': [
      "const app = require('fastify')()",
      "app.register(require('./nope'))",
      "app.register(require('@fastify/cors'))",
      "app.register(async (f) => { f.get('/x', async () => 1) }, { prefix: process.env.PREFIX })",
      "app.get('/known', async () => 1)",
    ].join('\n'),
  }),
);
pathological('deep', () =>
  writeWorkspace('deep', {
    'package.json': FASTIFY_PACKAGE,
    'deep.js': "const p = '/a'" + " + '/a'".repeat(30000) + '\n' + 'module.exports = p\n',
    'server.js': [
      "const app = require('fastify')()",
      'function forever (f) { forever(f) }',
      'forever(app)',
      'while (true) { app.get(`/w`, async () => 1) }',
      "require('./deep')",
      "app.get('/end', async () => 1)",
    ].join('\n'),
  }),
);
pathological('huge', () =>
  writeWorkspace('huge', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.get('/', async () => 1)\nrequire('./huge')\n",
    'huge.js': '// ' + 'x'.repeat(5 * 1024 * 1024) + '\n',
  }),
);
const marker = (name: string) => `require('fs').writeFileSync(require('path').join(__dirname, 'MARKER-${name}'), 'loaded')`;
pathological('no-exec-inline', () =>
  writeWorkspace('no-exec-inline', {
    'package.json': JSON.stringify({ name: 'x', main: 'server.js', dependencies: { fastify: '^5', '@fastify/autoload': '^6' }, scripts: { postinstall: 'node server.js' } }),
    'server.js': `${marker('server')}\nconst app = require('fastify')()\napp.register(require('@fastify/autoload'), { dir: require('path').join(__dirname, 'routes') })\napp.register(require('./plugin'))\n`,
    'plugin.js': `${marker('plugin')}\nmodule.exports = async function (f) { ${marker('plugin-body')}; f.get('/p', async () => { ${marker('handler')} }) }\n`,
    'routes/r.js': `${marker('route-file')}\nmodule.exports = async function (f) { f.get('/', async () => 1) }\n`,
    'routes/_hooks.mjs': `import fs from 'node:fs'\nfs.writeFileSync(new URL('./MARKER-esm', import.meta.url), 'x')\nexport default async function () {}\n`,
  }),
);
pathological('deep-plugins', () => {
  const files: Record<string, string> = { 'package.json': FASTIFY_PACKAGE, 'server.js': "const app = require('fastify')()\napp.register(require('./p0'), { prefix: '/p0' })\n" };
  for (let i = 0; i < 120; i++) {
    files[`p${i}.js`] = `module.exports = async function p${i} (f) {\n  f.get('/here', async () => ${i})\n  f.register(require('./p${i + 1}'), { prefix: '/p${i + 1}' })\n}\n`;
  }
  files['p120.js'] = "module.exports = async function last (f) { f.get('/last', async () => 1) }\n";
  return writeWorkspace('deep-plugins', files);
});
pathological('deep-helpers', () => {
  const helpers = Array.from({ length: 80 }, (_, i) => `function h${i} (app) { app.get('/h${i}', async () => 1); h${i + 1}(app) }`).join('\n');
  return writeWorkspace('deep-helpers', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': `const app = require('fastify')()\n${helpers}\nfunction h80 (app) { app.get('/h80', async () => 1) }\nh0(app)\n`,
  });
});
pathological('autoload-symlinks', () => {
  const dir = writeWorkspace('autoload-symlinks', {
    'package.json': FASTIFY_PACKAGE,
    'server.js': "const app = require('fastify')()\napp.register(require('@fastify/autoload'), { dir: require('path').join(__dirname, 'routes') })\n",
    'routes/plain.js': "module.exports = async (f) => { f.get('/plain', async () => 1) }\n",
    'real/file.js': "module.exports = async (f) => { f.get('/linked-file', async () => 1) }\n",
    'real/sub/x.js': "module.exports = async (f) => { f.get('/in-linked-dir', async () => 1) }\n",
  });
  fs.symlinkSync(path.join(dir, 'real', 'file.js'), path.join(dir, 'routes', 'linked.js'));
  fs.symlinkSync(path.join(dir, 'real', 'sub'), path.join(dir, 'routes', 'linkeddir'));
  return dir;
});

describe('bad input gives partial results and unresolved entries, never a crash or a hang (each analysed in a child process with a time limit)', () => {
  it('keeps the routes before a syntax error and reports the error with its line', async () => {
    const { g } = await analyze('syntax-error');
    assert.ok(urls(g).includes('GET /ok'));
    const err = g.unresolved.find((u) => u.reason.startsWith('syntax error'));
    assert.ok(err?.span, 'syntax error reported with a span');
    assert.equal(err!.span!.line, 4);
  });

  it('stops a register cycle between two files', async () => {
    const { g } = await analyze('register-cycle');
    assert.deepEqual(urls(g), ['GET /a/b/y', 'GET /a/x']);
    assert.ok(reasons(g).some((r) => r.startsWith('register cycle')), reasons(g).join('\n'));
  });

  it('stops an autoload folder whose plugin autoloads the folder again', async () => {
    const { g } = await analyze('autoload-cycle');
    assert.deepEqual(urls(g), ['GET /']);
    assert.ok(reasons(g).some((r) => r.includes('register cycle')), reasons(g).join('\n'));
  });

  it('ends on a symlink loop in the workspace', async () => {
    const { g } = await analyze('symlink-loop');
    assert.deepEqual(urls(g), ['GET /']);
  });

  it('reads a file with invalid UTF-8 bytes and says so', async () => {
    const { g } = await analyze('non-utf8');
    assert.deepEqual(urls(g), ['GET /menu']);
    assert.ok(reasons(g).some((r) => r.includes('not valid UTF-8')));
  });

  it('reports missing modules, run-time prefixes and packages it does not look into', async () => {
    const { g } = await analyze('unresolvable');
    // @fastify/cors is modelled (src/core/packages): its `OPTIONS *` is in the graph.
    assert.deepEqual(urls(g), ['GET /known', 'GET {?}/x', 'OPTIONS *']);
    const r = reasons(g);
    assert.ok(r.some((x) => x.includes("module './nope' not found")), r.join('\n'));
    assert.ok(!r.some((x) => x.includes("'@fastify/cors' is not analysed")), r.join('\n'));
    assert.ok(r.some((x) => x.includes('prefix') && x.includes('process.env.PREFIX')), r.join('\n'));
    const partial = g.apps[0].routes.find((x) => x.url.includes('{?}'));
    assert.equal(partial?.urlKnown, false);
  });

  it('survives absurdly nested code, endless recursion and endless loops', async () => {
    const { g } = await analyze('deep');
    assert.ok(urls(g).includes('GET /end'));
    assert.ok(g.unresolved.some((u) => u.file?.endsWith('deep.js') && u.reason.startsWith('code nested too deeply')), reasons(g).join('\n'));
  });

  it('skips a file too large to analyse and says so', async () => {
    const { g } = await analyze('huge');
    assert.deepEqual(urls(g), ['GET /']);
    assert.ok(reasons(g).some((r) => r.includes('too large')));
  });
});

describe('the analysis never runs the analysed code', () => {
  it('loads no module of the workspace (each would write a marker file)', async () => {
    const { dir, g } = await analyze('no-exec-inline');
    assert.deepEqual(urls(g), ['GET /', 'GET /p']);
    // The child has exited; give anything it left running (import(), spawn, a worker) 200 ms more.
    await new Promise((r) => setTimeout(r, 200));
    const markers = [] as string[];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.startsWith('MARKER')) markers.push(e.name);
      }
    };
    walk(dir);
    assert.deepEqual(markers, []);
  });
});

describe('very deep trees', () => {
  it('follows a chain of plugins up to the depth limit and says where it stopped', async () => {
    const { g } = await analyze('deep-plugins');
    const routes = urls(g);
    assert.ok(routes.length > 50 && routes.length < 120, `followed ${routes.length} levels`);
    assert.ok(routes.includes('GET /p0/here') && routes.includes('GET /p0/p1/here'));
    assert.ok(reasons(g).some((r) => r.startsWith('plugins nested deeper than')), reasons(g).join('\n'));
  });

  it('stops helpers calling helpers at the call depth limit and says so', async () => {
    const { g } = await analyze('deep-helpers');
    const routes = urls(g);
    assert.ok(routes.length > 30 && routes.length < 81, `followed ${routes.length} helpers`);
    assert.ok(reasons(g).some((r) => r.startsWith('calls nested deeper than')), reasons(g).join('\n'));
  });
});

describe('symlinks under an autoload folder', () => {
  it('are skipped, as @fastify/autoload skips them (its Dirent is neither file nor folder)', async () => {
    assert.deepEqual(urls((await analyze('autoload-symlinks')).g), ['GET /plain']);
  });
});
