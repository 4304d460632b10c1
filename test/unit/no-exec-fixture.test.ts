import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceGraph } from '../../src/core/model';
import { analyzeInChild, analyzeWithBuiltCli, BUILT_CLI, early } from '../support/child-analysis';
import { assertNoInternalError } from '../support/temp-workspace';

const FIXTURE = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'no-exec'));
const MARKERS = path.join(__dirname, '..', '.tmp');

const markers = () => (fs.existsSync(MARKERS) ? fs.readdirSync(MARKERS).filter((f) => f.startsWith('no-exec-marker-')) : []);
const routes = (g: WorkspaceGraph) => g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`)).sort();
const settle = () => new Promise((r) => setTimeout(r, 200));

// The analysis runs in a fresh child process, so Node's module cache (shared by every test of this
// mocha run, some of which load fixtures) cannot hide a require(); the markers are looked for only
// after that process has exited, and 200 ms later, so import(), spawn, workers and timers the
// analysis might have started have had their chance to write one.
let fromSource: Promise<WorkspaceGraph>;
let fromBundle: Promise<WorkspaceGraph> | undefined;
before(() => {
  for (const f of markers()) fs.rmSync(path.join(MARKERS, f));
  fromSource = early(analyzeInChild(FIXTURE));
  if (fs.existsSync(BUILT_CLI)) fromBundle = early(analyzeWithBuiltCli(FIXTURE));
});

describe('no-exec fixture: the analysis never requires, imports or runs workspace code', () => {
  it('src/core in a fresh process: finds the routes, and no marker file appears after it exits', async () => {
    const g = await fromSource;
    await settle();
    assert.deepEqual(routes(g), ['GET /', 'GET /inline', 'GET /items']);
    assertNoInternalError(g);
    assert.deepEqual(markers(), []);
  });

  it('the built bundle (dist/cli.js graph --json) in a fresh process: the same', async function () {
    if (!fromBundle) return this.skip(); // `npm test` builds dist before mocha
    const g = await fromBundle;
    await settle();
    assert.deepEqual(routes(g), ['GET /', 'GET /inline', 'GET /items']);
    assert.deepEqual(markers(), []);
  });
});
