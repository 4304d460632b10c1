import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, writeWorkspace } from '../support/temp-workspace';

/**
 * roots.ts keeps what it finds in a tree across links (the candidate calls of uncalled factories,
 * what each callee mentions, a function's local initializers): only whether a name is the factory
 * is decided again at each link. Here the factory's file never changes (its tree is reused) while
 * an edit to another file changes what its names are bound to.
 */

const PKG = JSON.stringify({ name: 'roots-incremental', dependencies: { fastify: '^5.0.0' } });

const BUILD = [
  "import type { FastifyInstance } from 'fastify'",
  "import { create } from './make'",
  '',
  '// Uncalled factories: a local alias of the imported name, and the name itself.',
  'export function build (opts: { fastify?: typeof create } = {}): FastifyInstance {',
  '  const make = opts.fastify ?? create',
  '  const app = make()',
  "  app.get('/built', async () => 'ok')",
  '  return app',
  '}',
  '',
  'export function direct (): FastifyInstance {',
  '  const app = create()',
  "  app.get('/direct', async () => 'ok')",
  '  return app',
  '}',
].join('\n');

/** `create` is fastify: `build` and `direct` are factories. */
const MAKE_FACTORY = "import Fastify from 'fastify'\nexport const create = Fastify\n";
/**
 * `create` wraps fastify: the wrapper is the (uncalled) factory, with no routes; `build` and
 * `direct` are not factories, and running them anyway would add their routes to the wrapper's app.
 */
const MAKE_WRAPPER = "import Fastify from 'fastify'\nexport const create = (opts?: object) => Fastify(opts)\n";

const urls = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => r.url)).sort();
const plain = (g: WorkspaceGraph) => JSON.parse(JSON.stringify(g));

describe('uncalled factories across incremental updates (roots.ts caches)', () => {
  for (const [first, second] of [[MAKE_FACTORY, MAKE_WRAPPER], [MAKE_WRAPPER, MAKE_FACTORY]]) {
    const from = first === MAKE_FACTORY ? 'a factory found, then not a factory after an edit elsewhere' : 'not a factory, then a factory after an edit elsewhere';
    it(`${from}, then back: each graph equals a fresh analysis`, () => {
      const dir = writeWorkspace('roots-incremental', { 'package.json': PKG, 'build.ts': BUILD, 'make.ts': first });
      const make = path.join(dir, 'make.ts');
      const analyzer = new Analyzer(dir, createNodeHost());
      const routesOf = (g: WorkspaceGraph) => {
        assertNoInternalError(g);
        assert.deepEqual(plain(g), plain(new Analyzer(dir, createNodeHost()).analyze()), 'the incremental graph equals a fresh analysis');
        return urls(g);
      };
      const edit = (text: string) => {
        fs.writeFileSync(make, text);
        return analyzer.applyChanges([{ file: make, text }]);
      };
      const expected = (text: string) => (text === MAKE_FACTORY ? ['/built', '/direct'] : []);

      assert.deepEqual(routesOf(analyzer.analyze()), expected(first));
      const parses = analyzer.parseCount;
      assert.deepEqual(routesOf(edit(second)), expected(second));
      assert.deepEqual(routesOf(edit(first)), expected(first));
      assert.equal(analyzer.parseCount - parses, 2, 'only make.ts was parsed again: build.ts kept its tree and the candidates found in it');
    });
  }
});
