import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { serialize } from 'node:v8';
import * as fs from 'node:fs';
import { Analyzer, analyzeWorkspace } from '../../src/core/analyze';
import type { Context, WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { viewGraph } from '../../src/extension/worker/view-graph';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The expected view, written the plain way: a JSON copy with the worker-only fields deleted. */
function expectedView(graph: WorkspaceGraph): unknown {
  const g = JSON.parse(JSON.stringify(graph)) as WorkspaceGraph;
  const visit = (c: Context): void => {
    for (const h of c.hooks) delete h.body;
    c.children.forEach(visit);
  };
  for (const app of g.apps) {
    visit(app.root);
    const routes = [...app.routes];
    const inContexts: Context[] = [app.root];
    for (let i = 0; i < inContexts.length; i++) {
      routes.push(...inContexts[i].routes);
      inContexts.push(...inContexts[i].children);
    }
    for (const r of routes) {
      delete r.body;
      for (const h of r.hooks) delete h.body;
      if (!r.schema) continue;
      delete r.schema.responseValues;
      for (const k of ['body', 'querystring', 'params', 'headers'] as const) if (r.schema[k]) delete r.schema[k]!.value;
    }
  }
  return g;
}

function allContexts(c: Context, out: Context[] = []): Context[] {
  out.push(c);
  for (const k of c.children) allContexts(k, out);
  return out;
}

describe('viewGraph (what the worker posts to the editor)', () => {
  for (const fixture of ['cli-autoload-js', 'cli-autoload-ts', 'helpers-and-tables', 'schema-status-codes', 'fp-decorators', 'multi-app']) {
    it(`${fixture}: the graph without body facts and schema values, nothing else changed, the analysed graph untouched`, () => {
      const graph = analyzeWorkspace(path.join(FIXTURES, fixture), createNodeHost());
      const before = JSON.stringify(graph);
      const view = viewGraph(graph);
      assert.equal(JSON.stringify(graph), before, 'the analysed graph is not changed');
      assert.deepStrictEqual(JSON.parse(JSON.stringify(view)), expectedView(graph));
      // Shared objects stay shared: a route is the same object in its context and in the app's list.
      for (const app of view.apps) {
        const inContexts = new Set(allContexts(app.root).flatMap((c) => c.routes));
        assert.ok(app.routes.every((r) => inContexts.has(r)), 'AppGraph.routes are the contexts’ route objects');
      }
    });
  }

  it('leaves out what it says on a graph that has it, and the posted message gets smaller', () => {
    const graph = analyzeWorkspace(path.join(FIXTURES, 'cli-autoload-js'), createNodeHost());
    const routes = graph.apps.flatMap((a) => a.routes);
    assert.ok(routes.some((r) => r.body) && routes.some((r) => r.schema && Object.values(r.schema).some((p) => p && typeof p === 'object' && 'value' in p)), 'the fixture has body facts and schema values');
    const view = viewGraph(graph);
    const viewRoutes = view.apps.flatMap((a) => a.routes);
    assert.ok(viewRoutes.every((r) => !('body' in r) && r.hooks.every((h) => !('body' in h))));
    assert.ok(serialize(view).length < serialize(graph).length);
  });

  it('after an update: the view of the new graph, with the copies of what the update did not redo kept from the view before', () => {
    const root = path.join(FIXTURES, 'cli-autoload-js');
    const analyzer = new Analyzer(root, createNodeHost());
    const first = analyzer.analyze();
    const before = viewGraph(first);
    const file = first.apps[0].routes[0].span.file;
    const graph = analyzer.update(file, fs.readFileSync(file, 'utf8') + '\n// an edit\n');
    const view = viewGraph(graph);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(view)), expectedView(graph));
    const old = new Set(before.apps.flatMap((a) => allContexts(a.root)));
    const now = view.apps.flatMap((a) => allContexts(a.root));
    const kept = now.filter((c) => old.has(c));
    assert.ok(kept.length > 0, 'replayed plugin runs keep their view copies');
    assert.ok(kept.length < now.length, 'what was redone is copied again');
  });
});
