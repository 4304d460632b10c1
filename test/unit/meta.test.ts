import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatGraph } from '../../src/cli/format-graph';
import { formatRoutesTable, routeRows } from '../../src/cli/format-routes';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { listFixtures, NOT_BOOTED } from '../support/runtime-routes';
import { RULES } from '../../src/core/rules';

const ROOT = path.join(__dirname, '..', '..');

describe('the house keeps its lists in step', () => {
  const fixtures = listFixtures();
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('every fixture folder has a fixture.json with a description, and says why when it is not booted', () => {
    const dirs = fs.readdirSync(path.join(ROOT, 'test', 'fixtures')).filter((n) => fs.statSync(path.join(ROOT, 'test', 'fixtures', n)).isDirectory());
    assert.deepEqual(fixtures.map((f) => f.name), dirs.sort());
    for (const f of fixtures) {
      assert.ok(f.manifest.description.length > 20, `${f.name}: description`);
      if (!Array.isArray(f.manifest.boot)) assert.ok(f.manifest.why, `${f.name}: why it is not booted`);
    }
  });

  it('the README lists every fixture', () => {
    for (const f of fixtures) assert.ok(readme.includes(`| \`${f.name}\` |`), `README has no row for ${f.name}`);
  });

  it('the fixtures that are not booted are the ones in NOT_BOOTED (test/support/runtime-routes.ts), and the README says so', () => {
    const notBooted = fixtures.filter((f) => !Array.isArray(f.manifest.boot)).map((f) => f.name);
    assert.deepEqual(notBooted, Object.keys(NOT_BOOTED).sort(), 'fixtures with "boot": false against NOT_BOOTED');
    const rows = new Map<string, string>();
    for (const m of readme.matchAll(/^\| `([^`]+)` \|.*\| (booted[^|]*|not booted[^|]*) \|$/gm)) rows.set(m[1], m[2].trim());
    const readmeNotBooted = fixtures.filter((f) => rows.get(f.name)?.startsWith('not booted')).map((f) => f.name);
    assert.deepEqual(readmeNotBooted, Object.keys(NOT_BOOTED).sort(), 'README rows saying "not booted" against NOT_BOOTED');
    for (const [name, reason] of Object.entries(NOT_BOOTED)) assert.equal(rows.get(name), `not booted: ${reason}`, `README row of ${name} gives the reason in NOT_BOOTED`);
  });

  it('every fixture has a reviewed graph snapshot', () => {
    for (const f of fixtures) assert.ok(fs.existsSync(path.join(__dirname, '__snapshots__', `${f.name}.graph.txt`)), f.name);
  });

  it('the README shows the CLI output of this build', () => {
    const graph = (name: string) => analyzeWorkspace(fs.realpathSync(path.join(ROOT, 'test', 'fixtures', name)), createNodeHost());
    assert.ok(readme.includes(formatRoutesTable(routeRows(graph('cli-autoload-js')))), 'routes table of cli-autoload-js is stale in the README');
    assert.ok(readme.includes(formatGraph(graph('broken'))), 'graph of broken is stale in the README');
  });
});

describe('docs/rules.md', () => {
  it('is what the registry renders (npm run docs:rules rewrites it)', () => {
    const { renderRulesDoc, RULES_DOC } = require('../../scripts/docs/rules-doc') as typeof import('../../scripts/docs/rules-doc');
    assert.equal(fs.readFileSync(RULES_DOC, 'utf8'), renderRulesDoc(), 'docs/rules.md is out of date: run npm run docs:rules');
  });
});

describe('the README lists the rules', () => {
  it('the Rules table has exactly the registry\'s rules, with their default severities', () => {
    const { RULES } = require('../../src/core/rules') as typeof import('../../src/core/rules');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('\n## ', readme.indexOf('## Rules') + 1));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|info|hint|off) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(rows, RULES.map((r) => `${r.id} ${r.defaultSeverity}`));
    for (const r of RULES) {
      assert.ok(r.summary && r.why && r.wrong && r.right, `${r.id}: docs`);
      assert.ok(fs.existsSync(path.join(ROOT, 'src', 'core', 'rules', `${r.id}.ts`)), `${r.id}: file named by the id`);
    }
    assert.match(readme, /^\| `fastify-lens check \[folder\]/m, 'the check command in the CLI table');
  });

  it('package.json contributes a severity setting for exactly the registered rules, with their defaults', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties['fastifyLens.rules'].properties as Record<string, { default: string }>;
    assert.deepEqual(
      Object.fromEntries(Object.entries(props).map(([id, p]) => [id, p.default])),
      Object.fromEntries(RULES.map((r) => [r.id, r.defaultSeverity])),
    );
  });
});
