// An esbuild plugin for every bundle that holds the analyser (dist/cli.js, dist/worker.js, the
// benchmark's): cbor-x (the warm-start cache's format) tries `require('cbor-extract')`, an optional
// native addon, and uses pure JavaScript when it is missing. The .vsix carries no node_modules, so
// the bundles leave it out everywhere: the CLI, the worker and the benchmark run the same decoder.
export const pureJsCbor = {
  name: 'pure-js-cbor',
  setup(b) {
    b.onResolve({ filter: /^cbor-extract$/ }, () => ({ path: 'cbor-extract', namespace: 'pure-js-cbor' }));
    b.onLoad({ filter: /.*/, namespace: 'pure-js-cbor' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};
