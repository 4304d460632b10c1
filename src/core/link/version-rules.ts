import type { OnceNotes } from './replay/once-notes';
import * as semver from 'semver';
import type { FastifyMajor } from '../model';
import type { UsedVersion } from '../workspace/versions';

/**
 * Every behaviour of Fastify, fastify-plugin and @fastify/autoload that depends on the version
 * used, in one table. A rule is on from `since` (inclusive) and, for a behaviour a later release
 * replaced, before `until`. Each row was checked against the package sources of the release before
 * and the release named (see the source column), and every row is booted on both sides of `since`
 * (and of `until`) with the real packages: test/unit/version-rules-boot.test.ts.
 */

export type RuleId =
  | 'autoload.hooks-prefix'
  | 'autoload.ignore-pattern-relative-path'
  | 'autoload.append-auto-prefix'
  | 'fastify-plugin.encapsulate'
  | 'fastify.expose-head-routes-default'
  | 'fastify.ignore-duplicate-slashes'
  | 'fastify.routes-added-at-call'
  | 'fastify.all-webdav-methods'
  | 'fastify.all-report-mkcalendar'
  | 'fastify.all-v5-methods'
  | 'fastify.all-query-method'
  | 'fastify.prefix-join-no-extra-slash'
  | 'fastify.no-json-shorthand';

export interface VersionRule {
  id: RuleId;
  pkg: 'fastify' | '@fastify/autoload' | 'fastify-plugin';
  /** First version with the behaviour. */
  since: string;
  /** First version without it again (exclusive end), when a later release replaced it. */
  until?: string;
  /** The behaviour from `since` on, and what it was before. */
  description: string;
  /** Where it is in the package (file, PR). */
  source: string;
}

export const VERSION_RULES: readonly VersionRule[] = [
  {
    id: 'autoload.hooks-prefix',
    pkg: '@fastify/autoload',
    since: '6.4.0',
    description: "a folder with autohooks whose plugins share one prefix: the composed wrapper plugin takes that prefix (before, the wrapper had none, so an fp-wrapped route file in the folder loses the folder prefix)",
    source: 'index.js registerNode / findCommonHooksPrefix (fastify-autoload PR #497)',
  },
  {
    id: 'autoload.ignore-pattern-relative-path',
    pkg: '@fastify/autoload',
    since: '6.4.0',
    description: "ignorePattern is tested on the entry's path relative to dir (before, on the entry name only)",
    source: 'lib/find-plugins.js processDirContents (fastify-autoload PR #516)',
  },
  {
    id: 'autoload.append-auto-prefix',
    pkg: '@fastify/autoload',
    since: '6.5.0',
    description: "option appendAutoPrefix: a file's autoPrefix is appended to the folder prefix (before, the option does not exist and autoPrefix replaces the folder prefix)",
    source: 'index.js handlePrefixConfig, defaults.appendAutoPrefix',
  },
  {
    id: 'fastify-plugin.encapsulate',
    pkg: 'fastify-plugin',
    since: '4.3.0',
    description: 'option encapsulate: true keeps a new context, so prefix is honoured (before, the option does not exist: always skip-override)',
    source: "plugin.js: fn[Symbol.for('skip-override')] = options.encapsulate !== true",
  },
  {
    id: 'fastify.expose-head-routes-default',
    pkg: 'fastify',
    since: '4.0.0',
    description: 'exposeHeadRoutes defaults to true: every GET gets a HEAD twin (Fastify 3: false)',
    source: 'build/build-validation.js defaultInitOptions (v3: fastify.js `exposeHeadRoutes != null ? … : false`)',
  },
  {
    id: 'fastify.ignore-duplicate-slashes',
    pkg: 'fastify',
    since: '4.0.0',
    description: 'server option ignoreDuplicateSlashes exists (Fastify 3: ignored)',
    source: 'lib/route.js (v3 has no ignoreDuplicateSlashes)',
  },
  {
    id: 'fastify.routes-added-at-call',
    pkg: 'fastify',
    since: '4.0.0',
    description: "route() and the shorthands add the route (onRoute runs) at the call (Fastify 3: in an after() callback, so behind the plugins the same body registered before it; checked by booting test/fixtures/v3-app)",
    source: 'lib/route.js route() (v3: `this.after((notHandledErr, done) => { … afterRouteAdded … })`)',
  },
  {
    id: 'fastify.all-webdav-methods',
    pkg: 'fastify',
    since: '4.4.0',
    until: '5.0.0',
    description: 'all() also registers PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK, TRACE, SEARCH (before: the 7 standard methods; from 5.0.0 on fastify.all-v5-methods replaces it)',
    source: 'lib/httpMethods.js supportedMethods',
  },
  {
    id: 'fastify.all-report-mkcalendar',
    pkg: 'fastify',
    since: '4.27.0',
    until: '5.0.0',
    description: 'all() also registers REPORT and MKCALENDAR (from 5.0.0 on fastify.all-v5-methods replaces it)',
    source: 'lib/httpMethods.js supportedMethods',
  },
  {
    id: 'fastify.all-v5-methods',
    pkg: 'fastify',
    since: '5.0.0',
    description: 'all() registers GET, HEAD, TRACE, DELETE, OPTIONS, PATCH, PUT, POST (WebDAV methods only after addHttpMethod)',
    source: 'fastify.js kSupportedHTTPMethods, supportedMethods getter',
  },
  {
    id: 'fastify.all-query-method',
    pkg: 'fastify',
    since: '5.11.0',
    description: 'all() also registers QUERY',
    source: "fastify.js kSupportedHTTPMethods.bodywith ('QUERY', RFC 10008)",
  },
  {
    id: 'fastify.prefix-join-no-extra-slash',
    pkg: 'fastify',
    since: '5.9.0',
    description: "a plugin prefix without a leading '/' under a parent prefix ending in '/' is appended as is (before: '/' is always added, giving '//')",
    source: 'lib/plugin-override.js buildRoutePrefix',
  },
  {
    id: 'fastify.no-json-shorthand',
    pkg: 'fastify',
    since: '5.0.0',
    description: "route schemas are compiled as written (before: with the jsonShorthand option, true by default, a schema with no type, properties, $ref, oneOf, allOf, anyOf, $merge or $patch is wrapped as { type: 'object', properties: <schema> })",
    source: 'lib/schemas.js normalizeSchema (v4: getSchemaAnyway; fastify PR #5586)',
  },
];

const RULES = new Map(VERSION_RULES.map((r) => [r.id, r]));

export function ruleOf(id: RuleId): VersionRule {
  return RULES.get(id)!;
}

/**
 * Fastify's line when only the major is known: the newest release of that line the project is
 * checked against (Fastify 3 → 3.29.5, 4 → 4.29.1, 5 → the newest rules).
 */
const NEWEST_OF_MAJOR: Record<FastifyMajor, string> = { 3: '3.29.5', 4: '4.29.1', 5: '999.0.0' };

/** A version, or a Fastify major standing for the newest release of its line. */
export type VersionLike = string | FastifyMajor;

/**
 * True when the rule's behaviour applies at that version (from `since`, before `until`); an
 * unknown version gets the newest behaviour.
 */
export function behaviourAt(id: RuleId, version: VersionLike | undefined): boolean {
  // Asked for every route and hook: semver parsing made it a visible part of each update.
  const key = `${id}\0${version ?? ''}`;
  let known = behaviourMemo.get(key);
  if (known === undefined) behaviourMemo.set(key, (known = behaviourOf(id, version)));
  return known;
}

/** Answers of behaviourAt by rule and version: a pure function of both, so never stale. */
const behaviourMemo = new Map<string, boolean>();

function behaviourOf(id: RuleId, version: VersionLike | undefined): boolean {
  const rule = ruleOf(id);
  const v = typeof version === 'number' ? (rule.pkg === 'fastify' ? NEWEST_OF_MAJOR[version] : undefined) : version;
  if (v === undefined || !semver.valid(v)) return rule.until === undefined;
  const at = semver.coerce(v) ?? v;
  return semver.gte(at, rule.since) && (rule.until === undefined || semver.lt(at, rule.until));
}

/** What behaviour() needs of a project: the versions it uses (scan.ts `Project.versions`). */
export interface VersionedProject {
  versions?: Partial<Record<string, UsedVersion>>;
}

/** True when the rule's behaviour applies to the version of its package the project uses. */
export function behaviour(project: VersionedProject | undefined, id: RuleId): boolean {
  return behaviourAt(id, project?.versions?.[ruleOf(id).pkg]?.version);
}

/** Fastify 3, 4 or 5 for a version (5 when unknown or newer, 3 for anything older). */
export function majorOf(version: string | undefined): FastifyMajor {
  const v = version ? semver.coerce(version) : null;
  if (!v) return 5;
  return v.major <= 3 ? 3 : v.major === 4 ? 4 : 5;
}

/**
 * The note for a rule whose boundary the declared range spans while nothing (installed manifest,
 * lockfile) pins the version: the analysis assumes the lowest version, and says so.
 */
export function spannedRuleNote(project: VersionedProject | undefined, id: RuleId): string | undefined {
  const rule = ruleOf(id);
  const used = project?.versions?.[rule.pkg];
  if (!used || used.source !== 'range' || !used.range) return undefined;
  const range = used.range.replace(/^npm:(?:@[^/@]+\/)?[^@]+@/, '');
  try {
    if (!semver.lt(used.version, rule.since) || !semver.intersects(range, `>=${rule.since}`)) return undefined;
  } catch {
    return undefined;
  }
  return `${rule.pkg} ${used.range} spans ${rule.since}, where ${rule.description}; no lockfile or installed version pins it: assuming the lowest, ${used.version}`;
}

/**
 * behaviour() at a place where the rule decides the result: when the range spans the rule and
 * nothing pins the version, `report` gets the note once per analysis (`notes`), project and rule.
 */
export function behaviourNoted(notes: OnceNotes, project: (VersionedProject & { dir: string }) | undefined, id: RuleId, report: (reason: string) => void): boolean {
  const note = spannedRuleNote(project, id);
  if (note && project && notes.first(`rule\0${project.dir}\0${id}`)) report(note);
  return behaviour(project, id);
}

/** fastifyRulesAt for a finished graph's app (`AppGraph.versions`, `fastifyMajor`). */
export function fastifyAtOfGraph(app: { fastifyMajor: FastifyMajor; versions?: Record<string, { version: string; source: UsedVersion['source'] }> }): VersionLike {
  const v = app.versions?.fastify;
  return v && v.source !== 'range' ? v.version : app.fastifyMajor;
}

/** A project's versions as the graph shows them. */
export function graphVersions(project: VersionedProject | undefined): Record<string, { version: string; source: UsedVersion['source'] }> {
  const out: Record<string, { version: string; source: UsedVersion['source'] }> = {};
  for (const [pkg, v] of Object.entries(project?.versions ?? {})) if (v) out[pkg] = { version: v.version, source: v.source };
  return out;
}

/**
 * What the Fastify rules are evaluated at: the exact version when an installed manifest or the
 * lockfile pins it; otherwise the major alone, standing for the newest release of its line (a
 * range such as ^5.0.0 is not taken to mean 5.0.0 for Fastify's own minor-release changes).
 */
export function fastifyRulesAt(project: (VersionedProject & { fastifyMajor: FastifyMajor }) | undefined): VersionLike {
  const v = project?.versions?.fastify;
  if (v && v.source !== 'range') return v.version;
  return project?.fastifyMajor ?? 5;
}
