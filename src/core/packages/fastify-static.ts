import * as posix from 'node:path/posix';
import { dec, isUnknown, optIs, partlyKnown, optSet, when, type OptObject, type PackageIO, type PackageModel, type PkgRoute, type Unknown, type UrlText } from './types';

/**
 * @fastify/static (index.js): fastify-plugin. `reply.sendFile`/`reply.download` unless
 * `decorateReply: false`; unless `serve: false`, `HEAD`+`GET <prefix>*` (prefix default '/', a
 * '/' appended unless `prefixAvoidTrailingSlash`), with `redirect: true` also `GET <prefix as
 * given>`; `wildcard: false` declares `HEAD`+`GET` per file found under `root` at register time
 * (fileRoutes: listed through `io` when `root` and the prefix are known, else a note).
 */
export const fastifyStatic: PackageModel = {
  names: ['@fastify/static', 'fastify-static'],
  wrapped: true,
  adds: (o, io) => {
    const raw = o.get('prefix');
    const avoid = o.get('prefixAvoidTrailingSlash');
    let given: UrlText;
    let prefix: UrlText;
    if (raw === undefined || typeof raw === 'string') {
      given = raw ?? '/';
      prefix = avoid === true || given.endsWith('/') ? given : isUnknown(avoid) ? [given, { unknown: 'option prefixAvoidTrailingSlash' }] : `${given}/`;
    } else {
      const u: Unknown = { unknown: `option prefix${isUnknown(raw) ? `: ${raw.unknown}` : ' is not a string'}` };
      // A partly known prefix (`/${dir}`) keeps its known parts; the '/' Fastify appends depends on the unknown end.
      given = isUnknown(raw) && raw.text ? partlyKnown(raw.text, u) : [u];
      const last = given[given.length - 1];
      prefix = typeof last === 'string' && (last.endsWith('/') || avoid === true) ? given : typeof last === 'string' && avoid !== undefined && avoid !== false ? [...given, { unknown: 'option prefixAvoidTrailingSlash' }] : typeof last === 'string' ? [...given, '/'] : given;
    }
    const serve = o.get('serve');
    const serves = isUnknown(serve) ? serve : serve !== false;
    const wildcard = o.get('wildcard');
    const routes: PkgRoute[] = [];
    const notes: string[] = [];
    if (wildcard === false) {
      if (serves !== false) {
        const listed = typeof prefix === 'string' ? fileRoutes(o, io, prefix) : { unknown: 'its prefix is not known statically' };
        if (isUnknown(listed)) notes.push(`@fastify/static with wildcard: false declares one route per file of its root folder at boot; those routes are not listed (${listed.unknown})`);
        else {
          routes.push(...when<PkgRoute>(serves, listed.routes));
          notes.push(...listed.notes);
        }
      }
    } else {
      const cond = isUnknown(wildcard) ? wildcard : serves;
      routes.push(...when<PkgRoute>(cond, [{ methods: ['HEAD', 'GET'], path: append(prefix, '*') }]));
      const redirect = optIs(o, 'redirect', true);
      const differs = typeof prefix === 'string' && typeof given === 'string' ? prefix !== given : true;
      if (differs) routes.push(...when<PkgRoute>(and(cond, redirect), [{ methods: ['GET'], path: given }]));
    }
    return {
      decorators: when(isUnknown(o.get('decorateReply')) ? optSet(o, 'decorateReply') : o.get('decorateReply') !== false, dec('reply', 'sendFile', 'download')),
      routes,
      notes,
    };
  },
};

function append(u: UrlText, tail: string): UrlText {
  return typeof u === 'string' ? u + tail : Array.isArray(u) ? [...u, tail] : [u, tail];
}

function and(a: boolean | Unknown, b: boolean | Unknown): boolean | Unknown {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return isUnknown(a) ? a : b;
}

/**
 * wildcard: false (index.js, 10.x; 6.x alike): for each root in order, each file glob('**\/**')
 * finds (dot files and folders only with `serveDotFiles`, links to folders followed), once per URL:
 * `HEAD`+`GET <prefix><file>`; then for each folder holding an index file (`index`, default
 * 'index.html') `<folder>/`, and with `redirect: true` `<folder>` too. `allowedPath`, `list` and
 * `dotfiles` change what the handlers serve, not the routes.
 */
function fileRoutes(o: OptObject, io: PackageIO | undefined, prefix: string): { routes: PkgRoute[]; notes: string[] } | Unknown {
  const rootOpt = o.get('root');
  const roots = typeof rootOpt === 'string' ? [rootOpt] : Array.isArray(rootOpt) && rootOpt.every((r) => typeof r === 'string') ? (rootOpt as string[]) : undefined;
  if (!roots) return { unknown: `option root ${isUnknown(rootOpt) ? `is not known statically: ${rootOpt.unknown}` : 'is not a string or array of strings known statically'}` };
  if (!io) return { unknown: 'the folder cannot be listed here' };
  for (const key of ['serveDotFiles', 'globIgnore', 'index', 'redirect']) {
    const v = o.get(key);
    if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
  }
  if (o.get('globIgnore') !== undefined) return { unknown: 'option globIgnore is not applied by the analysis' };
  const dot = !!o.get('serveDotFiles');
  const index = o.get('index');
  const indexes = new Set<unknown>(index === undefined ? ['index.html'] : Array.isArray(index) ? index : [index]);
  const seen = new Set<string>();
  const indexDirs = new Set<string>();
  const routes: PkgRoute[] = [];
  const notes: string[] = [];
  for (const root of roots) {
    const files = io.listFiles(root);
    if (isUnknown(files)) return files;
    for (const file of files) {
      if (!dot && file.split('/').some((part) => part.startsWith('.'))) continue;
      const route = prefix + file;
      if (seen.has(route)) continue;
      seen.add(route);
      routes.push({ methods: ['HEAD', 'GET'], path: route });
      if (indexes.has(posix.basename(route))) indexDirs.add(posix.dirname(route));
    }
  }
  const redirect = o.get('redirect') === true;
  for (const dir of indexDirs) {
    const pathname = dir.endsWith('/') ? dir : `${dir}/`;
    routes.push({ methods: ['HEAD', 'GET'], path: pathname });
    if (!redirect) continue;
    const bare = pathname.replace(/\/$/, '');
    // An index file at the top of root with prefix '/': the redirect route's URL is '' (Fastify
    // refuses it at the root, "The path could not be empty"; under a prefix it is the prefix).
    if (bare) routes.push({ methods: ['HEAD', 'GET'], path: bare });
    else notes.push("@fastify/static with wildcard: false and redirect: true declares a route with an empty URL for the index file at the top of root (Fastify refuses it at the root: 'The path could not be empty'); that route is not listed");
  }
  return { routes, notes };
}
