import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

const PKG = JSON.stringify({ type: 'module', dependencies: { fastify: '^5.0.0', '@fastify/autoload': '^6.0.0', desm: '^1.3.0' } });
const ROUTE = "export default async function (app) { app.get('/', async () => 1) }\n";

describe('folder helpers apps use to point @fastify/autoload at a folder', () => {
  for (const [name, dirExpr, imports] of [
    ['desm join', "join(import.meta.url, 'routes')", "import { join } from 'desm'"],
    ['desm default', "path.join(desm(import.meta.url), 'routes')", "import desm from 'desm'\nimport path from 'node:path'"],
    ['import.meta.dirname', "path.join(import.meta.dirname, 'routes')", "import path from 'node:path'"],
    ['fileURLToPath(new URL())', "fileURLToPath(new URL('./routes', import.meta.url))", "import { fileURLToPath } from 'node:url'"],
    ['path.resolve from the project folder (the working directory of npm start)', "path.resolve('src/routes')", "import path from 'node:path'"],
  ] as const) {
    it(name, () => {
      const dir = writeWorkspace(`known-${name.replace(/\W+/g, '-')}`, {
        'package.json': PKG,
        'src/app.js': `import Fastify from 'fastify'\nimport autoload from '@fastify/autoload'\n${imports}\nconst app = Fastify()\napp.register(autoload, { dir: ${dirExpr} })\n`,
        'src/routes/users/list.js': ROUTE,
      });
      const g = analyzeWorkspace(dir, createNodeHost());
      assertNoInternalError(g);
      assert.deepEqual(g.apps[0].routes.filter((r) => !r.implicitHead).map((r) => r.url), ['/users'], JSON.stringify(g.unresolved));
    });
  }
});
