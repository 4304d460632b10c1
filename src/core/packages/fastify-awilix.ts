import { dec, hooks, isUnknown, when, type OptObject, type PackageModel } from './types';

/**
 * @fastify/awilix (lib/fastifyAwilixPlugin.js): fastify-plugin; `awilixManager`, `diContainer`,
 * `request.diScope`, an onRequest hook; onReady unless both `asyncInit` and `eagerInject` are false, onClose unless
 * `disposeOnClose: false`, onResponse with `disposeOnResponse` (default true).
 */
export const fastifyAwilix: PackageModel = {
  names: ['@fastify/awilix'],
  wrapped: true,
  adds: (o) => {
    const flag = (k: string, dflt: boolean) => {
      const v = o.get(k);
      return v === undefined ? dflt : typeof v === 'boolean' ? v : { unknown: `option ${k}` };
    };
    const ready = either(o);
    return {
      decorators: [...dec('instance', 'awilixManager', 'diContainer'), ...dec('request', 'diScope')],
      hooks: [...hooks('onRequest'), ...when(ready, hooks('onReady')), ...when(flag('disposeOnClose', true), hooks('onClose')), ...when(flag('disposeOnResponse', true), hooks('onResponse'))],
    };
  },
};

function either(o: OptObject): boolean | { unknown: string } {
  const a = o.get('asyncInit');
  const b = o.get('eagerInject');
  // Both default to true (`opts.asyncInit ?? true`).
  if (a === true || b === true || a === undefined || a === null || b === undefined || b === null) return true;
  if (a === false && b === false) return false;
  return { unknown: 'options asyncInit/eagerInject' };
}

/**
 * fastify-awilix 1 (Fastify 3; 1.2.0, lib/fastifyAwilixPlugin.js): no `awilixManager`, no onReady
 * hook; onClose and onResponse unless `disposeOnClose`/`disposeOnResponse` is anything but true or
 * undefined.
 */
export const fastifyAwilix1: PackageModel = {
  names: ['fastify-awilix'],
  wrapped: true,
  adds: (o) => {
    const flag = (k: string) => {
      const v = o.get(k);
      return v === undefined || v === true ? true : isUnknown(v) ? { unknown: `option ${k}` } : false;
    };
    return {
      decorators: [...dec('instance', 'diContainer'), ...dec('request', 'diScope')],
      hooks: [...hooks('onRequest'), ...when(flag('disposeOnClose'), hooks('onClose')), ...when(flag('disposeOnResponse'), hooks('onResponse'))],
    };
  },
};
