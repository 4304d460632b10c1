// One warm start: a fresh process opens the workspace with the on-disk cache of a previous run
// (`CachedAnalyzer`, src/core/cache/), checks every recorded input against the disk and, when
// nothing changed, takes the graph and the rules' results from the cache without parsing (the
// analyser and its parser are not even loaded). On a miss it runs the full analysis and the rules
// and writes the cache, as the first start does. Prints {files, routes, findings, fromCache,
// parses, status, parserLoaded}.
// Usage: node bench/warm.mjs <warm.cjs> <dir> <cache dir>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [bundle, dir, cacheDir] = process.argv.slice(2);
const { CachedAnalyzer, createNodeHost, loadRules } = require(bundle);

const analyzer = new CachedAnalyzer(dir, createNodeHost(), {}, { dir: cacheDir, log: (line) => process.stderr.write(`${line}\n`) });
const graph = analyzer.analyze();
const key = 'bench:{}';
const rules = analyzer.cachedRules(key) ?? loadRules().runRulesDetailed(graph, {}, (f) => analyzer.source(f));
analyzer.save({ key, result: rules });
const routes = graph.apps.reduce((n, a) => n + a.routes.length, 0);
const parserLoaded = Object.keys(require.cache).some((p) => /[\\/]ts-morph[\\/].*\.js$/.test(p));
console.log(JSON.stringify({ files: graph.files, routes, findings: rules.findings.length, fromCache: analyzer.fromCache, parses: analyzer.parseCount, status: analyzer.cacheStatus, parserLoaded }));
