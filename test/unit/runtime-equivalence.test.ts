import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { allMethods } from '../../src/core/link/url-join';
import type { AppGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { bootFixture, listFixtures } from '../support/runtime-routes';

/** `METHOD url` in the order Fastify's onRoute reports them (all() expanded, implicit HEAD included). */
function staticSequence(app: AppGraph): string[] {
  const out: string[] = [];
  for (const r of app.routes) {
    const methods = r.methods.includes('ALL') ? allMethods(app.fastifyMajor) : r.methods;
    for (const m of methods) out.push(`${m} ${r.url}`);
  }
  return out;
}

async function assertSameRoutes(dir: string): Promise<void> {
  const runtime = await bootFixture(dir);
  const graph = analyzeWorkspace(dir, createNodeHost());
  const staticApps = new Map<string, AppGraph>();
  for (const app of graph.apps) {
    const key = app.kind === 'instance' ? `${path.relative(dir, app.entry.file)}:${app.entry.line}` : `plugin ${path.relative(dir, app.entry.file)}`;
    staticApps.set(key, app);
  }
  const runtimeKeys: string[] = [];
  for (const inst of runtime) {
    const key = inst.createdAt ? `${inst.createdAt.file}:${inst.createdAt.line}` : `plugin ${inst.entry}`;
    runtimeKeys.push(key);
    const app = staticApps.get(key);
    assert.ok(app, `no static app for the instance created at ${key}; static apps: ${[...staticApps.keys()].join(', ')}`);
    const expected = [...new Set(inst.routes.map((r) => `${r.method} ${r.url}`))].sort();
    assert.deepEqual([...new Set(staticSequence(app))].sort(), expected, `routes of ${key}`);
    // Stronger than the set: the same order, as avvio loads plugins and Fastify registers routes.
    assert.deepEqual(staticSequence(app), inst.order, `registration order of ${key}`);
  }
  assert.deepEqual([...staticApps.keys()].sort(), [...new Set(runtimeKeys)].sort(), 'the same apps');
}

describe('static route table equals the booted one (real fastify, onRoute)', function () {
  this.timeout(120_000);
  for (const fx of listFixtures()) {
    if (Array.isArray(fx.manifest.boot)) it(fx.name, () => assertSameRoutes(fx.dir));
  }

  it('the generated benchmark workspace (300 files)', async () => {
    const dir = path.join(__dirname, '..', '.tmp', 'bench-ws');
    const { generateWorkspace } = await import('../../bench/generate.mjs' as string);
    generateWorkspace(dir, { files: 300, seed: 7 });
    fs.writeFileSync(path.join(dir, 'fixture.json'), JSON.stringify({ description: 'generated', boot: [{ entry: 'app.js', kind: 'plugin' }] }));
    await assertSameRoutes(fs.realpathSync(dir));
  });
});
