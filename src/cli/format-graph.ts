import * as posix from 'node:path/posix';
import type { AppGraph, Context, Route, Span, WorkspaceGraph } from '../core/model';
import { placeOf, unresolvedRows } from './unresolved-rows';

/** The context tree as indented text: `fastify-lens graph` and the graph snapshot tests. */
export function formatGraph(g: WorkspaceGraph, options: { includeHead?: boolean } = {}): string {
  const rel = (s: Span | undefined) => (s ? `${posix.relative(g.root, s.file)}:${s.line}` : '');
  const lines: string[] = [];
  for (const app of g.apps) {
    // The versions the rules follow, and where each was read (installed, lockfile, range).
    const versions = Object.entries(app.versions ?? {}).map(([pkg, v]) => `${pkg} ${v.version} (${v.source})`);
    lines.push(`app ${app.id} [${app.kind}, fastify ${app.fastifyMajor}]${versions.length ? ` ${versions.join(', ')}` : ''}`);
    formatContext(app, app.root, 1, lines, rel, options.includeHead ?? false);
  }
  if (g.apps.length === 0) lines.push('no Fastify app found');
  if (g.unresolved.length) {
    lines.push('unresolved:');
    for (const u of unresolvedRows(g)) lines.push(`  ${placeOf(u)}  ${u.reason}`);
  }
  return lines.join('\n') + '\n';
}

function formatContext(app: AppGraph, c: Context, depth: number, out: string[], rel: (s?: Span) => string, includeHead: boolean): void {
  const pad = '  '.repeat(depth);
  const inner = pad + '  ';
  const where = rel(c.pluginSpan ?? c.span);
  const prefix = c.prefixKnown ? JSON.stringify(c.prefix) : `${JSON.stringify(c.prefix)} (partly unknown)`;
  const fp = (c.encapsulatedFp ? ' [fastify-plugin, encapsulate]' : '') + (c.conditional ? ' (conditional)' : '');
  out.push(`${pad}${c.kind} ${JSON.stringify(c.name)} prefix=${prefix}${fp} ${where}`.trimEnd());
  for (const p of c.plugins) {
    const kind = p.external ? `external ${p.external}` : 'fastify-plugin';
    out.push(`${inner}plugin ${JSON.stringify(p.name)} (${kind}) ${rel(p.pluginSpan ?? p.span)}`);
  }
  for (const d of c.decorators) out.push(`${inner}decorate${d.target === 'instance' ? '' : d.target === 'request' ? 'Request' : 'Reply'} ${d.name} (${d.valueKind}) ${rel(d.span)}`);
  for (const h of c.hooks) out.push(`${inner}hook ${h.name} (${h.style}${h.params !== undefined ? `, ${h.params} params` : ''}) ${rel(h.span)}`);
  for (const s of c.schemas) out.push(`${inner}schema ${s.id} ${rel(s.span)}`);
  for (const s of c.errorHandlers) out.push(`${inner}errorHandler ${rel(s)}`);
  for (const s of c.notFoundHandlers) out.push(`${inner}notFoundHandler ${rel(s)}`);
  for (const p of c.contentTypeParsers) out.push(`${inner}contentTypeParser ${p.contentTypes.join(', ')} ${rel(p.span)}`);
  for (const r of c.routes) {
    if (r.implicitHead && !includeHead) continue;
    out.push(`${inner}${formatRouteLine(r, rel)}`);
  }
  for (const child of c.children) formatContext(app, child, depth + 1, out, rel, includeHead);
}

export function formatRouteLine(r: Route, rel: (s?: Span) => string): string {
  const extras: string[] = [];
  if (r.package) extras.push(`from ${r.package}`);
  if (r.implicitHead) extras.push('implicit HEAD');
  if (r.conditional) extras.push('conditional');
  if (r.alsoServes.length) extras.push(`also ${r.alsoServes.join(' ')}`);
  if (r.schema) {
    const parts = (['body', 'querystring', 'params', 'headers'] as const).filter((k) => r.schema?.[k]);
    if (r.schema.response) parts.push(`response ${[...r.schema.response, ...(r.schema.responsePartial ? ['…?'] : [])].join('/')}` as never);
    if (parts.length) extras.push(`schema: ${parts.join(', ')}`);
  }
  if (r.hooks.length) extras.push(`hooks: ${r.hooks.map((h) => h.name).join(', ')}`);
  return `route ${r.methods.join(',')} ${r.url} ${rel(r.span)}${extras.length ? ` {${extras.join('; ')}}` : ''}`;
}
