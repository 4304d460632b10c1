import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWorkspace } from '/work/main/src/core/analyze';
import { createNodeHost } from '/work/main/src/core/node-host';
import type { Context } from '/work/main/src/core/model';
import { GraphIndex } from '/work/main/src/extension/model/graph-index';
import { pluginsTree } from '/work/main/src/extension/model/plugins-tree';
import { routesTree } from '/work/main/src/extension/model/routes-tree';
const name = process.argv[2];
const dir = fs.realpathSync(path.join('/work/main/test/fixtures', name));
const g = analyzeWorkspace(dir, createNodeHost());
const walk = (c: Context, d: number) => { console.log('  '.repeat(d) + `#${c.id} ${c.kind} ${c.name} span=${c.span.file.slice(dir.length)}:${c.span.start}-${c.span.end} plugin=${c.pluginSpan ? c.pluginSpan.file.slice(dir.length) + ':' + c.pluginSpan.start + '-' + c.pluginSpan.end : '-'} file=${c.file}`); c.children.forEach((x) => walk(x, d + 1)); };
for (const a of g.apps) { console.log('APP', a.id, a.kind, a.entry.file.slice(dir.length), a.entry.start, a.project); walk(a.root, 1); }
console.log(JSON.stringify(g.testCalls.map(t => ({ m: t.method, u: t.url, f: t.span.file.slice(dir.length), l: t.span.line, r: t.routes })), null, 0));
const idx = new GraphIndex(g);
const p = (n: any, d: number) => { console.log('  '.repeat(d) + JSON.stringify({ id: n.id, label: n.label, description: n.description, cv: n.contextValue, rk: n.routeKey })); (n.children ?? []).forEach((c: any) => p(c, d + 1)); };
if (process.argv[3] === 'p') pluginsTree(idx, 'P').forEach((n) => p(n, 0));
if (process.argv[3] === 'r') routesTree(idx, (process.argv[4] as any) ?? 'prefix', process.argv[5] ?? '', 'R').forEach((n) => p(n, 0));
