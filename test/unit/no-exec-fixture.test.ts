import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'no-exec');
const MARKERS = path.join(__dirname, '..', '.tmp');

describe('no-exec fixture: the analysis never requires, imports or runs workspace code', () => {
  it('finds the routes and leaves no marker file', () => {
    for (const f of fs.existsSync(MARKERS) ? fs.readdirSync(MARKERS) : []) if (f.startsWith('no-exec-marker-')) fs.rmSync(path.join(MARKERS, f));
    const g = analyzeWorkspace(fs.realpathSync(FIXTURE), createNodeHost());
    const routes = g.apps.flatMap((a) => a.routes.filter((r) => !r.implicitHead).map((r) => `${r.methods.join(',')} ${r.url}`)).sort();
    assert.deepEqual(routes, ['GET /', 'GET /inline', 'GET /items']);
    const markers = fs.existsSync(MARKERS) ? fs.readdirSync(MARKERS).filter((f) => f.startsWith('no-exec-marker-')) : [];
    assert.deepEqual(markers, []);
  });
});
