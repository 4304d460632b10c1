import { isUnknown, optString, type PackageModel, type PkgDecorator } from './types';

/**
 * @fastify/jwt (index.js): fastify-plugin. `decoratorName` (default 'user') on the request,
 * `jwt` on the instance; with a `namespace` the request/reply methods are `<ns>JwtVerify`,
 * `<ns>JwtDecode`, `<ns>JwtSign` unless `jwtVerify`/`jwtDecode`/`jwtSign` name them.
 */
export const fastifyJwt: PackageModel = {
  names: ['@fastify/jwt', 'fastify-jwt'],
  wrapped: true,
  adds: (o) => {
    const ns = o.get('namespace');
    const named = (key: string, plain: string, suffix: string): string | { unknown: string } => {
      if (isUnknown(ns)) return { unknown: `option namespace: ${ns.unknown}` };
      if (typeof ns !== 'string' || !ns) return plain;
      return optString(o, key, `${ns}${suffix}`);
    };
    const decorators: PkgDecorator[] = [
      { target: 'request', name: optString(o, 'decoratorName', 'user') },
      { target: 'instance', name: 'jwt' },
      { target: 'request', name: named('jwtDecode', 'jwtDecode', 'JwtDecode') },
      { target: 'request', name: named('jwtVerify', 'jwtVerify', 'JwtVerify') },
      { target: 'reply', name: named('jwtSign', 'jwtSign', 'JwtSign') },
    ];
    return { decorators };
  },
};
