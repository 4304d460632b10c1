import { dec, isUnknown, optIs, partlyKnown, optSet, when, type PackageModel, type PkgRoute, type Unknown, type UrlText } from './types';

/**
 * @fastify/static (index.js): fastify-plugin. `reply.sendFile`/`reply.download` unless
 * `decorateReply: false`; unless `serve: false`, `HEAD`+`GET <prefix>*` (prefix default '/', a
 * '/' appended unless `prefixAvoidTrailingSlash`), with `redirect: true` also `GET <prefix as
 * given>`; `wildcard: false` declares one route per file found under `root` at boot (not modelled).
 */
export const fastifyStatic: PackageModel = {
  names: ['@fastify/static', 'fastify-static'],
  wrapped: true,
  adds: (o) => {
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
      if (serves !== false) notes.push('@fastify/static with wildcard: false declares one route per file of its root folder at boot; those routes are not listed');
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
