import type { Context, WorkspaceGraph } from '../../src/core/model';
import type { Finding, Fix } from '../../src/core/rules/types';

/** The text a span's file was analysed from, or undefined when the analysis did not read it. */
export type TextOf = (file: string) => string | undefined;

/**
 * What must hold for any graph, whatever the input: plain data without cycles, every span inside
 * the text of its file with `line` matching its offset, unique context and route ids per app,
 * every `contextId`/`parentId` and every test call's route existing; the same data and span checks
 * for the findings and, when given, their fixes (`fixesOf` of each finding). Returns the problems
 * found (empty when the graph is well-formed), each naming where.
 */
export function graphProblems(graph: WorkspaceGraph, findings: Finding[], textOf: TextOf, fixes: Fix[][] = []): string[] {
  const problems: string[] = [];
  plainData({ graph, findings, fixes }, 'graph', [], problems);
  if (problems.length) return problems; // the walks below assume a tree of plain data
  checkSpans({ graph, findings, fixes }, 'graph', textOf, problems);
  const appIds = new Set<string>();
  const routesByApp = new Map<string, Set<string>>();
  for (const app of graph.apps) {
    if (appIds.has(app.id)) problems.push(`app id ${app.id} is not unique`);
    appIds.add(app.id);
    const contexts = new Map<string, Context>();
    const treeRoutes = new Set<string>();
    const walk = (c: Context, parent: Context | undefined) => {
      if (contexts.has(c.id)) problems.push(`app ${app.id}: context id ${c.id} is not unique`);
      contexts.set(c.id, c);
      if (c.parentId !== parent?.id) problems.push(`app ${app.id}: context ${c.id} has parentId ${c.parentId}, its parent in the tree is ${parent?.id}`);
      for (const r of c.routes) {
        if (r.contextId !== c.id) problems.push(`app ${app.id}: route ${r.id} (${r.url}) sits in context ${c.id} but says contextId ${r.contextId}`);
        treeRoutes.add(r.id);
      }
      for (const child of c.children) walk(child, c);
    };
    walk(app.root, undefined);
    const ids = new Set<string>();
    for (const r of app.routes) {
      if (ids.has(r.id)) problems.push(`app ${app.id}: route id ${r.id} is not unique`);
      ids.add(r.id);
      if (!contexts.has(r.contextId)) problems.push(`app ${app.id}: route ${r.id} (${r.url}) has contextId ${r.contextId}, no such context`);
      if (!treeRoutes.has(r.id)) problems.push(`app ${app.id}: route ${r.id} (${r.url}) is in app.routes but in no context`);
    }
    for (const id of treeRoutes) if (!ids.has(id)) problems.push(`app ${app.id}: route ${id} is in a context but not in app.routes`);
    routesByApp.set(app.id, ids);
  }
  for (const call of graph.testCalls) {
    for (const { app, routeId } of call.routes) {
      if (!routesByApp.get(app)?.has(routeId)) problems.push(`test call ${call.method} ${call.url} points to route ${routeId} of app ${app}, which does not exist`);
    }
  }
  return problems;
}

/** Strings, finite numbers, booleans, null, plain arrays and objects (`undefined` for absent values); no cycles. */
function plainData(value: unknown, path: string, ancestors: object[], problems: string[]): void {
  if (problems.length > 20) return;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) problems.push(`${path} is ${value} (not JSON)`);
      return;
    case 'object':
      break;
    default:
      problems.push(`${path} is a ${typeof value} (not JSON)`);
      return;
  }
  if (value === null) return;
  if (ancestors.includes(value)) {
    problems.push(`${path} is a cycle back to an ancestor`);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) problems.push(`${path} is an array of another class`);
    ancestors.push(value);
    // `undefined` in an array is allowed: InstanceCall.strings documents it (JSON writes null).
    value.forEach((v, i) => v !== undefined && plainData(v, `${path}[${i}]`, ancestors, problems));
    ancestors.pop();
    return;
  }
  if (proto !== Object.prototype && proto !== null) {
    problems.push(`${path} is a ${proto?.constructor?.name ?? 'class'} instance, not a plain object`);
    return;
  }
  ancestors.push(value);
  for (const [k, v] of Object.entries(value)) if (v !== undefined) plainData(v, `${path}.${k}`, ancestors, problems);
  ancestors.pop();
}

interface SpanLike {
  file: string;
  start: number;
  end: number;
  line?: number;
}

const isSpanLike = (v: Record<string, unknown>): v is Record<string, unknown> & SpanLike => typeof v.file === 'string' && typeof v.start === 'number' && typeof v.end === 'number';

/** Every object with file/start/end (spans, text edits): inside its file's text, `line` the line of `start`. */
function checkSpans(value: unknown, path: string, textOf: TextOf, problems: string[]): void {
  if (problems.length > 20 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkSpans(v, `${path}[${i}]`, textOf, problems));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (isSpanLike(obj)) {
    const text = textOf(obj.file);
    const where = `${path} (${obj.file} ${obj.start}-${obj.end}${obj.line !== undefined ? ` line ${obj.line}` : ''})`;
    if (text === undefined) problems.push(`${where}: a span in a file whose text the analysis did not see`);
    else if (!Number.isInteger(obj.start) || !Number.isInteger(obj.end) || obj.start < 0 || obj.start > obj.end || obj.end > text.length) problems.push(`${where}: outside the text (length ${text.length})`);
    else if ('line' in obj && obj.line !== lineOf(text, obj.start)) problems.push(`${where}: offset ${obj.start} is on line ${lineOf(text, obj.start)}`);
  }
  for (const [k, v] of Object.entries(obj)) checkSpans(v, `${path}.${k}`, textOf, problems);
}

const lineStarts = new Map<string, readonly number[]>();

/** 1-based line of an offset, with the line breaks TypeScript counts (\n, \r\n, \r, U+2028, U+2029). */
export function lineOf(text: string, offset: number): number {
  let starts = lineStarts.get(text);
  if (!starts) {
    if (lineStarts.size > 64) lineStarts.clear();
    starts = computeLineStarts(text);
    lineStarts.set(text, starts);
  }
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Offsets where lines start, breaking where the TypeScript scanner does: \n, \r\n, \r, U+2028, U+2029. */
function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(/\r\n?|[\n\u2028\u2029]/g)) starts.push(m.index! + m[0].length);
  return starts;
}
