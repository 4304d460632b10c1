/**
 * What activation loads: dist/extension.js (built by scripts/build.mjs, as for the worker tests)
 * must not carry the parser, or every workspace with a package.json pays for loading TypeScript
 * (`npm run bench -- --extension` measured ~450 ms of activation with the parser inside). Host
 * features that parse require their own bundle on first use; the worker and those bundles load
 * ts-morph from dist/ts-morph.js. Every bundle required that way must exist and ship in the .vsix.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const read = (file: string) => fs.readFileSync(path.join(DIST, file), 'utf8');
/** The dist files a bundle requires at run time (`require("./x.js")`). */
const requiresOf = (file: string) => [...new Set([...read(file).matchAll(/require\("\.\/([\w-]+\.js)"\)/g)].map((m) => m[1]))];

describe('extension bundles (dist/)', () => {
  it('dist/extension.js carries neither TypeScript\'s parser nor ts-morph', () => {
    const main = read('extension.js');
    assert.equal(main.includes('createSourceFile'), false);
    assert.equal(/node_modules\/(typescript|ts-morph|@ts-morph)\//.test(main), false);
  });

  it('every bundle the extension and its worker require exists and is in the .vsix allow-list', () => {
    const allowed = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      assert.ok(fs.existsSync(path.join(DIST, file)), `dist/${file} is missing`);
      assert.ok(allowed.includes(`!dist/${file}`), `dist/${file} is not in the .vscodeignore allow-list`);
      requiresOf(file).forEach(walk);
    };
    walk('extension.js');
    walk('worker.js');
    assert.ok(seen.has('decorator-declaration.js') && seen.has('ts-morph.js'), [...seen].join(', '));
  });

  it('the lazily loaded Add type declaration bundle parses with the shared ts-morph bundle', () => {
    assert.deepEqual(requiresOf('decorator-declaration.js'), ['ts-morph.js']);
    const declaration = require(path.join(DIST, 'decorator-declaration.js'));
    const edit = declaration.declareDecoratorEdit('/w/app.ts', "import fastify from 'fastify'\nconst app = fastify()\napp.decorate('answer', 42)\n", { target: 'instance', name: 'answer' });
    assert.match(edit.newText, /interface FastifyInstance \{\n\s+answer: unknown\n/);
  });
});
