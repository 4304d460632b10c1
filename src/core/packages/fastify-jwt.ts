import { isUnknown, optString, optTruthy, type PackageModel, type PkgDecorator, when } from './types';

/**
 * @fastify/jwt (index.js): fastify-plugin. `decoratorName` (default 'user') on the request,
 * `jwt` on the instance; with a `namespace` the request/reply methods are `<ns>JwtVerify`,
 * `<ns>JwtDecode`, `<ns>JwtSign` unless `jwtVerify`/`jwtDecode`/`jwtSign` name them.
 */
export const fastifyJwt: PackageModel = {
  names: ['@fastify/jwt'],
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

/**
 * fastify-jwt 4 (Fastify 3; 4.2.0 re-exports 4.1.3, jwt.js): the request decorator is always
 * `user` (no `decoratorName`); `jwtDecode` is decorated only with a `namespace` or a truthy
 * `jwtDecode` option, and the `jwtDecode`/`jwtVerify`/`jwtSign` names apply only with a namespace.
 */
export const fastifyJwt4: PackageModel = {
  names: ['fastify-jwt'],
  wrapped: true,
  adds: (o) => {
    const ns = o.get('namespace');
    const decode = optTruthy(o, 'jwtDecode');
    const named = (key: string, plain: string, suffix: string): string | { unknown: string } => {
      if (isUnknown(ns)) return { unknown: `option namespace: ${ns.unknown}` };
      if (typeof ns !== 'string' || !ns) return plain;
      const v = o.get(key);
      if (isUnknown(v)) return { unknown: `option ${key}: ${v.unknown}` };
      if (key === 'jwtDecode' && v) return typeof v === 'string' ? v : plain;
      return typeof v === 'string' && v ? v : `${ns}${suffix}`;
    };
    const hasNs = isUnknown(ns) ? ns : typeof ns === 'string' && ns !== '';
    const decodeAdded = hasNs === true || decode === true ? true : isUnknown(hasNs) || isUnknown(decode) ? { unknown: 'option namespace or jwtDecode is not known statically' } : false;
    return {
      decorators: [
        { target: 'request', name: 'user' },
        { target: 'instance', name: 'jwt' },
        ...when<PkgDecorator>(decodeAdded, [{ target: 'request', name: named('jwtDecode', 'jwtDecode', 'JwtDecode') }]),
        { target: 'request', name: named('jwtVerify', 'jwtVerify', 'JwtVerify') },
        { target: 'reply', name: named('jwtSign', 'jwtSign', 'JwtSign') },
      ],
    };
  },
};
