import * as assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../src/core/analyze';
import { createNodeHost } from '../../src/core/node-host';
import { assertNoInternalError, FASTIFY_PACKAGE, writeWorkspace } from '../support/temp-workspace';

describe('instance calls the graph records for API rules', () => {
  it('listen, hasRoute and other unmodelled methods, with argument kinds and known strings, in the context of the instance; declarations are not calls', () => {
    const dir = writeWorkspace('instance-calls', {
      'package.json': FASTIFY_PACKAGE,
      'server.js': [
        "const fastify = require('fastify')",
        'const app = fastify()',
        "app.get('/', async () => 'hi')",
        "app.register(async (child) => { child.setDefaultRoute(() => {}) })",
        'const start = async () => {',
        "  if (process.env.LATE) app.hasRoute({ method: 'GET', url: '/' })",
        "  await app.listen(3000, '0.0.0.0')",
        '}',
        'start()',
        '',
      ].join('\n'),
    });
    const graph = analyzeWorkspace(dir, createNodeHost());
    assertNoInternalError(graph);
    const [app] = graph.apps;
    const calls = (app.root.calls ?? []).map((c) => ({ name: c.name, args: c.args, strings: c.strings, conditional: !!c.conditional, line: c.span.line }));
    assert.deepEqual(calls, [
      { name: 'hasRoute', args: ['object'], strings: [undefined], conditional: true, line: 6 },
      { name: 'listen', args: ['number', 'string'], strings: [undefined, '0.0.0.0'], conditional: false, line: 7 },
    ]);
    assert.deepEqual(app.root.children[0].calls?.map((c) => [c.name, c.args]), [['setDefaultRoute', ['function']]]);
  });
});
