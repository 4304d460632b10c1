import { dec, isObject, isUnknown, optString, type OptValue, type PackageModel, type PkgRoute } from './types';

/**
 * @fastify/swagger-ui 5 (index.js, lib/routes.js): fastify-plugin; `swaggerCSP` on the instance,
 * and an encapsulated routes plugin under `routePrefix` (default '/documentation'): '/',
 * '/static/index.html', '/static/swagger-initializer.js', '/json', '/yaml', theme files,
 * @fastify/static's '/static/*' (a child), and with `baseDir` '/*'. An onSend hook with `staticCSP`
 * or `transformStaticCSP`.
 */
export const fastifySwaggerUi: PackageModel = {
  names: ['@fastify/swagger-ui'],
  wrapped: true,
  adds: (o) => {
    const theme = o.get('theme');
    const routes: PkgRoute[] = [];
    const notes: string[] = [];
    if (isObject(theme)) {
      for (const [key, hasFilename] of [['css', true], ['js', true], ['favicon', true]] as const) {
        const list = theme.get(key);
        if (!hasFilename || list === undefined) continue;
        if (!Array.isArray(list)) {
          notes.push(`@fastify/swagger-ui theme.${key} routes are not known statically`);
          continue;
        }
        for (const f of list) {
          const name: OptValue = isObject(f) ? f.get('filename') : undefined;
          routes.push({ methods: ['GET'], path: typeof name === 'string' ? `/static/theme/${name}` : ['/static/theme/', { unknown: `theme.${key} filename` }] });
        }
      }
    } else if (isUnknown(theme)) notes.push('@fastify/swagger-ui theme routes are not known statically');
    routes.push(
      { methods: ['GET'], path: '/' },
      { methods: ['GET'], path: '/static/index.html' },
      { methods: ['GET'], path: '/static/swagger-initializer.js' },
      { methods: ['GET'], path: '/json' },
      { methods: ['GET'], path: '/yaml' },
    );
    const csp = o.get('staticCSP');
    const transform = o.get('transformStaticCSP');
    const cspHook = csp === true || typeof csp === 'string' || isObject(csp) || (isObjectLike(transform) && (transform as { kind?: string }).kind === 'function');
    const baseDir = o.get('baseDir');
    const staticChild = { name: '@fastify/static', wrapped: true, routes: [{ methods: ['HEAD', 'GET'], path: '/static/*' }] };
    const baseChildren = baseDir === undefined ? [] : [{ name: '@fastify/static', wrapped: true, routes: [] }];
    if (baseDir !== undefined) routes.push({ methods: ['GET'], path: '/*', conditional: isUnknown(baseDir) || undefined });
    return {
      decorators: dec('instance', 'swaggerCSP'),
      children: [
        {
          name: '@fastify/swagger-ui routes',
          prefix: optString(o, 'routePrefix', '/documentation'),
          hooks: cspHook ? [{ name: 'onSend' }] : isUnknown(csp) ? [{ name: 'onSend', conditional: true }] : [],
          routes,
          children: [staticChild, ...baseChildren],
          notes,
        },
      ],
    };
  },
};

function isObjectLike(v: OptValue): boolean {
  return typeof v === 'object' && v !== null;
}
