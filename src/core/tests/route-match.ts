import { allMethods } from '../link/url-join';
import type { AppGraph, Route, TestCallSite, UrlPart } from '../model';
import { fastifyAtOfGraph, type VersionLike } from '../link/version-rules';

/**
 * Which routes a request reaches, the way find-my-way (Fastify's router) matches: a route path is
 * compiled into static characters, parametric nodes and a wildcard as find-my-way builds its tree
 * (`Router.prototype._on`), and the most specific route wins as its lookup prefers them: static
 * before parametric (regex nodes before plain ones) before wildcard, at the first place two
 * routes differ; a route that ends there wins over one that goes on.
 *
 * Requests may have holes (an expression in a template): a hole matches one or more characters
 * within one path segment. A match that relies on what a hole holds is only possible; it does not hide the
 * routes it would beat.
 */

export interface RouterOptions {
  ignoreTrailingSlash: boolean;
  ignoreDuplicateSlashes: boolean;
  caseSensitive: boolean;
}

/** A compiled route element: one static character, a parametric node, or the wildcard. */
type Elem =
  | { k: 's'; c: string }
  /** A parametric node runs to the next '/'; `regex` is set when it has a regex or static parts (`:a-:b`, `:f.png`, `:id(\\d+)`). */
  | { k: 'p'; regex?: RegExp; suffix?: string }
  | { k: 'w' };

/** A request character (`c` as written, `lc` folded when the router is case-insensitive), or a hole. */
type ReqItem = { c: string; lc: string } | null;

/** 0: no match; 1: possible (depends on a hole); 2: certain. */
type Certainty = 0 | 1 | 2;

const OPTIONAL_PARAM = /(\/:[^/()]*?)\?(\/?)/;
const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** Whether the route path may serve the request path (possibly, when holes decide). */
export function routeMatches(routeUrl: string, requestUrl: string | readonly UrlPart[], options: RouterOptions): boolean {
  return matchRoute(routeUrl, requestUrl, options) !== undefined;
}

/** 'certain' when the route serves the request whatever its holes hold, 'possible' when it depends on them. */
export function matchRoute(routeUrl: string, requestUrl: string | readonly UrlPart[], options: RouterOptions): 'certain' | 'possible' | undefined {
  const req = requestItems(typeof requestUrl === 'string' ? [requestUrl.replace(/[?#].*$/s, '')] : requestUrl, options);
  let best: Certainty = 0;
  for (const elems of compileRoute(routeUrl, options)) {
    const c = matchElems(elems, req);
    if (c > best) best = c;
  }
  return best === 2 ? 'certain' : best === 1 ? 'possible' : undefined;
}

/** A route with `methods` serves a request with `method` (`ALL` is every method the Fastify major supports). */
export function methodMatches(methods: readonly string[], method: string, major: VersionLike): boolean {
  return methods.includes(method) || (methods.includes('ALL') && allMethods(major).includes(method));
}

/**
 * Links test calls to routes; keeps compiled route paths across the calls of one analysis.
 */
export class RouteIndex {
  private readonly compiled = new Map<string, Elem[][]>();

  /** The routes of `apps` a call reaches: per app, the most specific matching routes. */
  link(call: Pick<TestCallSite, 'method' | 'parts'>, apps: readonly AppGraph[]): { app: string; routeId: string }[] {
    const out: { app: string; routeId: string }[] = [];
    for (const app of apps) for (const r of this.select(call, app)) out.push({ app: app.id, routeId: r.id });
    return out;
  }

  /** The routes of one app (one router) a call reaches. */
  select(call: Pick<TestCallSite, 'method' | 'parts'>, app: AppGraph): Route[] {
    const options = app.serverOptions;
    const req = requestItems(call.parts, options);
    const found: { route: Route; elems: Elem[]; certainty: Certainty }[] = [];
    for (const route of app.routes) {
      if (!route.urlKnown || !methodMatches(route.methods, call.method, fastifyAtOfGraph(app))) continue;
      let best: { elems: Elem[]; certainty: Certainty } | undefined;
      for (const url of new Set([route.url, ...route.alsoServes])) {
        for (const elems of this.compile(url, options)) {
          const certainty = matchElems(elems, req);
          if (!certainty) continue;
          if (!best || certainty > best.certainty || (certainty === best.certainty && compareElems(elems, best.elems) < 0)) best = { elems, certainty };
        }
      }
      if (best) found.push({ route, ...best });
    }
    // A certain match hides every match it beats in the router's order.
    return found.filter((f) => !found.some((g) => g !== f && g.certainty === 2 && compareElems(g.elems, f.elems) < 0)).map((f) => f.route);
  }

  private compile(url: string, options: RouterOptions): Elem[][] {
    const key = `${+options.caseSensitive}${+options.ignoreTrailingSlash}${+options.ignoreDuplicateSlashes}${url}`;
    let c = this.compiled.get(key);
    if (!c) this.compiled.set(key, (c = compileRoute(url, options)));
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Route paths

/** The element lists a route path registers: two for an optional last parameter. Empty when the router would reject it. */
function compileRoute(url: string, options: RouterOptions): Elem[][] {
  const optional = OPTIONAL_PARAM.exec(url);
  if (optional) {
    // find-my-way accepts an optional parameter only at the end.
    if (optional.index + optional[0].length !== url.length) return [];
    const full = url.replace(OPTIONAL_PARAM, '$1$2');
    const without = url.replace(OPTIONAL_PARAM, '$2') || '/';
    return [...compileRoute(full, options), ...compileRoute(without, options)];
  }
  let path = url;
  if (options.ignoreDuplicateSlashes) path = path.replace(/\/\/+/g, '/');
  if (options.ignoreTrailingSlash) path = trimLastSlash(path);
  const elems = compilePath(path, options.caseSensitive);
  return elems ? [elems] : [];
}

function compilePath(path: string, caseSensitive: boolean): Elem[] | undefined {
  const out: Elem[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ':' && path[i + 1] === ':') {
      out.push({ k: 's', c: ':' });
      i += 2;
    } else if (ch === ':') {
      const node = parametricNode(path, i);
      if (!node) return undefined;
      out.push(node.elem);
      i = node.end;
    } else if (ch === '*') {
      if (i !== path.length - 1) return undefined;
      out.push({ k: 'w' });
      i++;
    } else {
      out.push({ k: 's', c: caseSensitive ? ch : ch.toLowerCase() });
      i++;
    }
  }
  return out;
}

/**
 * The parametric node starting at the ':' at `start`, up to the next '/': one or more
 * parameters, each with an optional `(regex)`, and the static text between them (a parameter
 * name ends at '(', '-', '.' or '/'). With a regex or static text the node is matched as one
 * regular expression over the whole rest of the segment; regex static text keeps its case.
 */
function parametricNode(path: string, start: number): { elem: Elem; end: number } | undefined {
  const parts: string[] = [];
  let isRegex = false;
  let lastIsPlain = false;
  let lastStatic = '';
  let j = start + 1;
  for (;;) {
    while (j < path.length && !'(-./'.includes(path[j])) j++;
    if (path[j] === '(') {
      const close = closingParen(path, j);
      if (close === undefined) return undefined;
      parts.push(trimAnchors(path.slice(j, close + 1)));
      isRegex = true;
      lastIsPlain = false;
      j = close + 1;
    } else {
      // A plain parameter right after static text stops at that text's next occurrence.
      parts.push(lastIsPlain && lastStatic ? `(${lastStatic}|(?:(?!${lastStatic}).)*)` : '(.*?)');
      lastIsPlain = true;
      if (path[j] === '-' || path[j] === '.') isRegex = true;
    }
    let k = j;
    while (k < path.length && path[k] !== '/') {
      if (path[k] === ':') {
        if (path[k + 1] === ':') k++;
        else break;
      }
      k++;
    }
    const text = path.slice(j, k).replaceAll('::', ':');
    if (text) {
      lastStatic = text.replace(ESCAPE, '\\$&');
      parts.push(lastStatic);
    }
    j = k;
    if (j >= path.length || path[j] === '/') {
      if (!isRegex) return { elem: { k: 'p' }, end: j };
      try {
        return { elem: { k: 'p', regex: new RegExp(`^${parts.join('')}$`), suffix: text || undefined }, end: j };
      } catch {
        return undefined;
      }
    }
    j++; // past the ':' of the next parameter
  }
}

function closingParen(path: string, open: number): number | undefined {
  let depth = 1;
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\') i++;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return undefined;
}

/** `(^\\d+$)` → `(\\d+)`: the node's regex is anchored as a whole. */
function trimAnchors(re: string): string {
  if (re[1] === '^') re = re[0] + re.slice(2);
  if (re[re.length - 2] === '$') re = re.slice(0, -2) + re[re.length - 1];
  return re;
}

function trimLastSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

// ---------------------------------------------------------------------------------------------
// Requests and matching

function requestItems(parts: readonly UrlPart[], options: RouterOptions): ReqItem[] {
  let items: ReqItem[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      if (items[items.length - 1] !== null) items.push(null);
      continue;
    }
    for (const c of p) items.push({ c, lc: options.caseSensitive ? c : c.toLowerCase() });
  }
  if (options.ignoreDuplicateSlashes) items = items.filter((it, i) => !(it?.c === '/' && items[i - 1]?.c === '/'));
  if (options.ignoreTrailingSlash && items.length > 1 && items[items.length - 1]?.c === '/') items.pop();
  return items;
}

/**
 * How the route's elements match the request items. A hole stands for one or more characters
 * without '/': it may hold the route's static characters (then the match is only possible), and
 * a parameter or the wildcard takes it whole (the match stays certain).
 */
function matchElems(elems: readonly Elem[], req: readonly ReqItem[]): Certainty {
  const memo = new Map<number, Certainty>();
  const width = req.length + 1;
  /** `held`: the hole at `qi` already holds at least one character. */
  const go = (ri: number, qi: number, held: boolean): Certainty => {
    const key = (ri * width + qi) * 2 + (held ? 1 : 0);
    let r = memo.get(key);
    if (r === undefined) memo.set(key, (r = step(ri, qi, held)));
    return r;
  };
  const step = (ri: number, qi: number, held: boolean): Certainty => {
    const it = req[qi];
    if (ri === elems.length) return qi === req.length || (it === null && held && qi === req.length - 1) ? (held ? 1 : 2) : 0;
    const e = elems[ri];
    if (e.k === 'w') return held ? 1 : 2;
    if (e.k === 's') {
      if (qi === req.length) return 0;
      if (it) return it.lc === e.c ? go(ri + 1, qi + 1, false) : 0;
      // A hole: it ends here (once it holds something), or it holds this character (never a '/').
      const ends = held ? (Math.min(go(ri, qi + 1, false), 1) as Certainty) : 0;
      const holds = e.c === '/' ? 0 : (Math.min(go(ri + 1, qi, true), 1) as Certainty);
      return Math.max(ends, holds) as Certainty;
    }
    let end = qi;
    while (end < req.length && req[end]?.c !== '/') end++;
    const rest = go(ri + 1, end, false);
    const sure = (held ? Math.min(rest, 1) : rest) as Certainty;
    if (!e.regex) return sure;
    const segment = req.slice(qi, end);
    if (segment.some((x) => x === null)) return Math.min(sure, 1) as Certainty;
    return e.regex.test(segment.map((x) => x!.c).join('')) ? sure : 0;
  };
  return go(0, 0, false);
}

/** <0 when the router tries `a` first, >0 when `b`, 0 when it cannot be told. */
function compareElems(a: readonly Elem[], b: readonly Elem[]): number {
  for (let i = 0; ; i++) {
    if (i === a.length || i === b.length) return i === a.length ? (i === b.length ? 0 : -1) : 1;
    const x = a[i];
    const y = b[i];
    if (sameElem(x, y)) continue;
    const rx = rank(x);
    const ry = rank(y);
    if (rx !== ry) return rx - ry;
    if (x.k === 'p' && y.k === 'p' && x.regex && y.regex) {
      // find-my-way sorts regex nodes: one without static suffix last, a longer suffix that ends with the other first.
      const sx = x.suffix;
      const sy = y.suffix;
      if (sx === sy) return 0;
      if (sx === undefined) return 1;
      if (sy === undefined) return -1;
      if (sx.endsWith(sy)) return -1;
      if (sy.endsWith(sx)) return 1;
    }
    return 0;
  }
}

function rank(e: Elem): number {
  return e.k === 's' ? 0 : e.k === 'w' ? 3 : e.regex ? 1 : 2;
}

function sameElem(x: Elem, y: Elem): boolean {
  if (x.k === 's' && y.k === 's') return x.c === y.c;
  if (x.k === 'p' && y.k === 'p') return (x.regex?.source ?? '') === (y.regex?.source ?? '');
  return x.k === 'w' && y.k === 'w';
}
