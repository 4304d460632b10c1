import * as posix from 'node:path/posix';
import type { WorkspaceGraph } from '../core/model';

export interface RouteRow {
  method: string;
  url: string;
  file: string;
  line: number;
  app: string;
  plugin: string;
  urlKnown: boolean;
  /** npm package that declares the route (a modelled plugin), not the app's own code. */
  package?: string;
  /** Declared under a condition known only at run time. */
  conditional?: boolean;
  alsoServes?: string[];
  schema?: string[];
  hooks?: string[];
}

/** One row per method of every route, in declaration order; implicit HEAD routes on request. */
export function routeRows(g: WorkspaceGraph, options: { includeHead?: boolean } = {}): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const app of g.apps) {
    const names = new Map<string, string>();
    const walk = (c: typeof app.root, chain: string) => {
      const here = c.kind === 'root' ? '' : chain ? `${chain} > ${c.name}` : c.name;
      names.set(c.id, here);
      c.children.forEach((ch) => walk(ch, here));
    };
    walk(app.root, '');
    for (const r of app.routes) {
      if (r.implicitHead && !options.includeHead) continue;
      for (const method of r.methods) {
        const row: RouteRow = {
          method,
          url: r.url,
          file: posix.relative(g.root, r.span.file),
          line: r.span.line,
          app: app.id,
          plugin: names.get(r.contextId) ?? '',
          urlKnown: r.urlKnown,
        };
        if (r.package) row.package = r.package;
        if (r.conditional) row.conditional = true;
        if (r.alsoServes.length) row.alsoServes = r.alsoServes;
        if (r.schema) {
          const parts: string[] = (['body', 'querystring', 'params', 'headers'] as const).filter((k) => r.schema?.[k]);
          if (r.schema.response) parts.push(...r.schema.response.map((c) => `response.${c}`));
          row.schema = parts;
        }
        if (r.hooks.length) row.hooks = r.hooks.map((h) => h.name);
        rows.push(row);
      }
    }
  }
  return rows;
}

/**
 * The routes as a table: an APP column when there are several apps (the same URL in two apps is
 * no duplicate), and a last line with the count and, when some code could not be followed, how
 * to see what.
 */
export function formatRoutesTable(rows: RouteRow[], options: { unresolved?: number; folder?: string } = {}): string {
  const unresolved = options.unresolved ?? 0;
  const hint = unresolved ? `; ${unresolved} unresolved entr${unresolved === 1 ? 'y' : 'ies'} (code not followed): \`fastify-lens graph ${options.folder ?? '.'}\` lists them` : '';
  if (rows.length === 0) return `no routes found${hint}\n`;
  const apps = new Set(rows.map((r) => r.app)).size > 1;
  const header = [...(apps ? ['APP'] : []), 'METHOD', 'URL', 'SOURCE'];
  const note = (r: RouteRow) => (r.package ? `  (from ${r.package})` : '') + (r.urlKnown ? '' : '  (partly unknown)') + (r.conditional ? '  (conditional)' : '');
  const body = rows.map((r) => [...(apps ? [r.app] : []), r.method, r.url + note(r), `${r.file}:${r.line}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + `\n${rows.length} route${rows.length === 1 ? '' : 's'}${hint}\n`;
}
