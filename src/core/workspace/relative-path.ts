import { posix } from 'node:path';

/** A `.` or `..` segment, or an empty one (`//`): `posix.relative` would normalise those away. */
const NOT_PLAIN = /(?:^|\/)\.\.?(?:\/|$)|\/\//;

/**
 * `posix.relative(from, to)` for the analyser's absolute paths. When `to` is inside `from` (the
 * usual case: a file of an autoload folder, of a project) it is the rest of `to`, without the two
 * `resolve()` calls `posix.relative` makes: the autoload walks and the test-file filter ask this
 * for every file on every update.
 */
export function relativeTo(from: string, to: string): string {
  if (to === from) return '';
  const base = from.endsWith('/') ? from.length : from.length + 1;
  if (to.startsWith(from) && (base === from.length || to.charCodeAt(from.length) === 47) && !NOT_PLAIN.test(from)) {
    const rest = to.slice(base);
    if (rest && rest[0] !== '/' && !rest.endsWith('/') && !NOT_PLAIN.test(rest)) return rest;
  }
  return posix.relative(from, to);
}
