import type { AppGraph, BodyFacts, InstanceCall, MemberUse, Route, Span } from '../model';
import { replaceSpan } from '../fixes/text-edits';
import { eachRequestCode, once, present, walkContexts, type Picked } from './rule-utils';
import { ObjectMemo, RouteMemo } from './route-memo';
import type { Fix, Rule, RuleContext, RuleFinding } from './types';

/**
 * Request and reply properties Fastify 5 removed (semantics doc §7, rows 8 and 13; each read gives
 * `undefined` on 5), with the v5 form. `replace` is the text that takes the property name's place
 * after `request.` / `reply.`; absent when there is no one-to-one rewrite.
 */
const REMOVED_MEMBERS: Record<'request' | 'reply', Record<string, { v5: string; replace?: string }>> = {
  request: {
    connection: { v5: 'request.socket', replace: 'socket' },
    routeConfig: { v5: 'request.routeOptions.config', replace: 'routeOptions.config' },
    routeSchema: { v5: 'request.routeOptions.schema', replace: 'routeOptions.schema' },
    routerPath: { v5: 'request.routeOptions.url', replace: 'routeOptions.url' },
    routerMethod: { v5: 'request.routeOptions.method', replace: 'routeOptions.method' },
    context: { v5: 'request.routeOptions (config, schema, url, method…)' },
  },
  reply: {
    context: { v5: 'reply.routeOptions (config, schema, url, method…)' },
  },
};

/** A removed property by name: own entries only (`hasOwnProperty`, `toString` are not removed members). */
function removedMember(on: 'request' | 'reply', name: string): { v5: string; replace?: string } | undefined {
  return Object.hasOwn(REMOVED_MEMBERS[on], name) ? REMOVED_MEMBERS[on][name] : undefined;
}

/** Instance methods Fastify 5 removed (semantics doc §7 row 21). */
const REMOVED_METHODS: Record<string, string> = {
  getDefaultRoute: 'setNotFoundHandler(), or a `*` route',
  setDefaultRoute: 'setNotFoundHandler(), or a `*` route',
};

export const v5Migration: Rule = {
  id: 'v5-migration',
  summary: 'Fastify 4 forms that Fastify 5 removed, in a project whose Fastify is 5',
  why: 'Fastify 5 removed the APIs Fastify 4 deprecated: `listen(port, host)` throws, `reply.redirect(code, url)` answers 500, removed request/reply properties read as `undefined`, `reply.sent = true` throws, response shorthand schemas stop filtering. Each finding names the v5 form (Migration-Guide-V5).',
  wrong: "app.get('/old', async (request, reply) => reply.redirect(301, '/new'))\napp.listen(3000, '0.0.0.0')",
  right: "app.get('/old', async (request, reply) => reply.redirect('/new', 301))\napp.listen({ port: 3000, host: '0.0.0.0' })",
  defaultSeverity: 'error',
  check(rc) {
    const out: RuleFinding[] = [];
    for (const app of rc.graph.apps) {
      if (app.fastifyMajor !== 5) continue;
      memberFindings(app, rc, out);
      callFindings(app, rc, out);
      responseShorthand(app, out, rc);
    }
    return out;
  },
};

function memberFindings(app: AppGraph, rc: RuleContext, out: RuleFinding[]): void {
  const decorated = new Set<string>();
  walkContexts(app, (ctx) => {
    for (const d of ctx.decorators) decorated.add(`${d.target}.${d.name}`);
  });
  const first = once();
  const candidates = CANDIDATES.in(rc);
  // Names memberFinding never reports are left out before `first` (a span is always the same name on the same object).
  const pick = (body: BodyFacts) => {
    const found = candidates.get(body, '', (b) => b.members.filter((m) => m.on !== 'this' && mayBeRemoved(m.on, m.name)));
    return found.length ? found : undefined;
  };
  eachRequestCode(rc, app, MEMBERS, true, pick, (members, body) => {
    for (const m of members) {
      if (!first(m.span)) continue;
      const finding = memberFinding(m, body.replyParam, rc, decorated);
      if (finding) out.push(finding);
    }
  });
}

/** Per route, the members of its handler and hooks that `memberFinding` may report. */
const MEMBERS = new RouteMemo<readonly Picked<readonly MemberUse[]>[]>();

/** The members of a body that `memberFinding` may report (by object and name only), kept per body facts object (shared by the graphs of an analyser where the function did not change). */
const CANDIDATES = new ObjectMemo<BodyFacts, readonly MemberUse[]>();

/** The members `memberFinding` looks at: the same lookup, by object and name only. */
function mayBeRemoved(on: 'request' | 'reply', name: string): boolean {
  return !!removedMember(on, name) || (on === 'reply' && (name === 'getResponseTime' || name === 'redirect' || name === 'sent'));
}

function memberFinding(m: MemberUse, replyParam: string | undefined, rc: RuleContext, decorated: Set<string>): RuleFinding | undefined {
  const on = m.on as 'request' | 'reply';
  // An app that decorates the name itself gives it back.
  if (decorated.has(`${on}.${m.name}`)) return undefined;
  const removed = removedMember(on, m.name);
  if (removed) {
    const { replace } = removed;
    const fixes = () => present(replace && isDotName(rc, m.span, m.name) ? renameFix(`use ${removed.v5}`, m.span, replace) : undefined);
    return { message: `${on}.${m.name} was removed in Fastify 5 (it reads as undefined): use ${removed.v5}`, span: m.span, fixes };
  }
  if (on !== 'reply') return undefined;
  if (m.name === 'getResponseTime' && m.call) {
    const call = m.call;
    const fixes = () => present(isDotName(rc, m.span, m.name) ? renameFix('use reply.elapsedTime', { ...m.span, end: call.span.end }, 'elapsedTime') : undefined);
    return { message: 'reply.getResponseTime() was removed in Fastify 5 (TypeError: not a function): read reply.elapsedTime', span: m.span, fixes };
  }
  if (m.name === 'redirect' && m.call && m.call.args.length >= 2 && (m.call.args[0] === 'number' || m.call.args[1] === 'string')) {
    const [a, b] = m.call.argSpans;
    const swaps = m.call.args.length === 2 && a && b;
    return {
      message: 'reply.redirect(code, url) is reply.redirect(url, code) in Fastify 5: the old order answers 500 (FST_ERR_BAD_STATUS_CODE)',
      span: m.span,
      ...(swaps ? { fixes: () => present(swapFix(rc, a, b)) } : {}),
    };
  }
  if (m.name === 'sent' && m.write) {
    const write = m.write.span;
    const fixes = () => {
      const text = rc.source(write.file)?.slice(write.start, write.end);
      return replyParam && text !== undefined && /=\s*true$/.test(text) ? [renameFix(`use ${replyParam}.hijack()`, write, `${replyParam}.hijack()`)] : [];
    };
    return { message: 'reply.sent is read-only in Fastify 5 (assigning it throws a TypeError in strict code, ES modules and classes, and does nothing otherwise): call reply.hijack() to take over the response', span: m.span, fixes };
  }
  return undefined;
}

function callFindings(app: AppGraph, rc: RuleContext, out: RuleFinding[]): void {
  walkContexts(app, (ctx) => {
    for (const c of ctx.calls ?? []) {
      if (c.name === 'listen' && (c.args[0] === 'number' || c.args[0] === 'string')) {
        out.push({
          message: 'listen(port, host, …) was removed in Fastify 5 (TypeError: Cannot create property \'host\' on number): pass an options object, listen({ port, host })',
          span: c.span,
          fixes: () => present(listenFix(rc, c)),
        });
      } else if (Object.hasOwn(REMOVED_METHODS, c.name)) {
        out.push({ message: `${c.name}() was removed in Fastify 5: use ${REMOVED_METHODS[c.name]}`, span: c.span });
      }
    }
  });
}

/** JSON Schema keywords that make a response schema a schema rather than a shorthand property list. */
const SCHEMA_MARKERS = new Set(['type', 'properties', '$ref', 'oneOf', 'allOf', 'anyOf', '$merge', '$patch', 'items', 'enum', 'const', 'not', 'if', 'additionalProperties', 'patternProperties', 'content', 'description', 'nullable', 'format', '$id', 'default']);

/** Keywords of which a shorthand's property values have at least one. */
const PROPERTY_SCHEMA_MARKERS = ['type', '$ref', 'properties', 'items', 'enum', 'anyOf', 'oneOf'];

/**
 * Fastify 4 wrapped a schema with none of these keywords as `{ type: 'object', properties: … }`;
 * Fastify 5 does not, and fast-json-stringify sends such a response unfiltered (semantics doc §3.5).
 * Request parts fail at boot and are reported by invalid-json-schema.
 */
function responseShorthand(app: AppGraph, out: RuleFinding[], rc: RuleContext): void {
  // The route's own schema only (the app's Fastify 5 is decided above, every run).
  const compute = (r: Route) => {
    if (r.implicitHead || r.package || !r.schema?.responseValues) return undefined;
    const found = shorthandFindings(r);
    return found.length ? found : undefined;
  };
  SHORTHANDS.each(rc, app, undefined, compute, (found) => {
    for (const f of found) out.push(f);
  });
}

const SHORTHANDS = new RouteMemo<readonly RuleFinding[]>();

function shorthandFindings(route: Route): RuleFinding[] {
  const schema = route.schema!;
  const out: RuleFinding[] = [];
  for (const [status, sv] of Object.entries(schema.responseValues!)) {
    if (!isShorthand(sv.value) || sv.partial) continue;
    out.push({
      message: `response ${status} schema is a Fastify 4 shorthand (property names at the top, no \`type\`): Fastify 5 no longer wraps it, and the response is sent unfiltered; write { type: 'object', properties: { … } }`,
      span: schema.responseSpan ?? schema.span,
    });
  }
  return out;
}

function isShorthand(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (!keys.length || keys.some((k) => SCHEMA_MARKERS.has(k))) return false;
  // Every value looks like a schema of a property.
  return keys.every((k) => {
    const v = (value as Record<string, unknown>)[k];
    return !!v && typeof v === 'object' && !Array.isArray(v) && PROPERTY_SCHEMA_MARKERS.some((m) => m in v);
  });
}

function renameFix(title: string, span: Span, newText: string): Fix {
  return { title, safe: true, preferred: true, edits: [replaceSpan(span, newText)] };
}

/** The name at the span is written as `.name` (not a string key or a destructuring pattern). */
function isDotName(rc: RuleContext, span: Span, name: string): boolean {
  const text = rc.source(span.file);
  if (text === undefined || text.slice(span.start, span.start + name.length) !== name) return false;
  return /\.\s*$/.test(text.slice(Math.max(0, span.start - 20), span.start));
}

function swapFix(rc: RuleContext, a: Span, b: Span): Fix | undefined {
  const text = rc.source(a.file);
  if (text === undefined) return undefined;
  const at = text.slice(a.start, a.end);
  const bt = text.slice(b.start, b.end);
  return { title: `swap to redirect(${bt}, ${at})`, safe: true, preferred: true, edits: [replaceSpan(a, bt), replaceSpan(b, at)] };
}

/**
 * `listen(port[, host][, backlog][, cb])` → `listen({ port, host, backlog }[, cb])`, when every
 * argument is where the v4 signature puts it.
 */
function listenFix(rc: RuleContext, c: InstanceCall): Fix | undefined {
  const spans = c.argSpans;
  const text = spans && rc.source(c.span.file);
  if (!spans || text === undefined) return undefined;
  const args = c.args.map((kind, i) => ({ kind, text: text.slice(spans[i].start, spans[i].end) }));
  const cb = args.length && args[args.length - 1].kind === 'function' ? args.pop() : undefined;
  const names = ['port', 'host', 'backlog'];
  if (args.length > 3 || args.some((a) => a.kind === 'function' || a.kind === 'object' || a.kind === 'array')) return undefined;
  const fields = args.map((a, i) => `${names[i]}: ${a.text}`).join(', ');
  const start = spans[0].start;
  const end = spans[spans.length - 1].end;
  return { title: 'use listen({ … })', safe: true, preferred: true, edits: [{ file: c.span.file, start, end, newText: `{ ${fields} }${cb ? `, ${cb.text}` : ''}` }] };
}
