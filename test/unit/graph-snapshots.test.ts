import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatGraph } from '../../src/cli/format-graph';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SNAPSHOTS = path.join(__dirname, '__snapshots__');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/**
 * The whole graph of every fixture as indented text, compared with the reviewed snapshot.
 * After an intended change: `UPDATE_SNAPSHOTS=1 npx mocha`, then read the diff.
 */
describe('graph snapshots', () => {
  const names = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((n) => fs.statSync(path.join(FIXTURES, n)).isDirectory()) : [];
  for (const name of names) {
    it(name, () => {
      const text = formatGraph(analyzeWorkspace(fs.realpathSync(path.join(FIXTURES, name)), createNodeHost()), { includeHead: true });
      const file = path.join(SNAPSHOTS, `${name}.graph.txt`);
      if (UPDATE) {
        fs.mkdirSync(SNAPSHOTS, { recursive: true });
        fs.writeFileSync(file, text);
      }
      assert.ok(fs.existsSync(file), `no snapshot for ${name}: run UPDATE_SNAPSHOTS=1 npx mocha and review it`);
      assert.equal(text, fs.readFileSync(file, 'utf8'));
    });
  }
});
