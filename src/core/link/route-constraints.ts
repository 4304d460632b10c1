import type { FastifyMajor, Route } from '../model';
import { getProp, type Value } from './values';

/**
 * A route's router constraints (`constraints: { version, host, … }`; on Fastify 3 and 4 also the
 * `version` route option, which 5 ignores): each value as text (`"1.0.0"`, `/^bar/i`), or
 * `constraintsUnknown` when a value, or the options object itself, is not known statically. Two
 * routes clash in find-my-way only when method, path and constraints are all equal (checked on
 * fastify 5.12: the same version twice throws FST_ERR_DUPLICATED_ROUTE, different ones or one
 * with and one without do not).
 */
export function routeConstraints(opts: Value, fastifyMajor: FastifyMajor): Pick<Route, 'constraints' | 'constraintsUnknown'> {
  if (opts.kind !== 'obj') return opts.kind === 'undef' ? {} : { constraintsUnknown: true as const };
  const out: Record<string, string> = {};
  let unknown = opts.partial;
  const add = (key: string, v: Value) => {
    if (v.kind === 'str') out[key] = JSON.stringify(v.v);
    else if (v.kind === 'regex') out[key] = `/${v.source}/${v.flags}`;
    else if (v.kind === 'num' || v.kind === 'bool') out[key] = String(v.v);
    else if (v.kind !== 'undef') unknown = true;
  };
  const c = getProp(opts, 'constraints');
  if (c.kind === 'obj') {
    if (c.partial) unknown = true;
    for (const [k, v] of c.props) add(k, v);
  } else if (c.kind !== 'undef') unknown = true;
  if (fastifyMajor < 5) add('version', getProp(opts, 'version'));
  if (unknown) return { constraintsUnknown: true as const };
  return Object.keys(out).length ? { constraints: out } : {};
}
