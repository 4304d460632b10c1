import * as semver from 'semver';
import { fastifyAccepts } from './fastify-accepts';
import { fastifyAuth } from './fastify-auth';
import { fastifyAwilix, fastifyAwilix1 } from './fastify-awilix';
import { fastifyCaching, fastifyCaching6 } from './fastify-caching';
import { fastifyCircuitBreaker } from './fastify-circuit-breaker';
import { fastifyCompress } from './fastify-compress';
import { fastifyCookie, fastifyCookie5 } from './fastify-cookie';
import { fastifyCors, fastifyCors6 } from './fastify-cors';
import { fastifyEnv, fastifyEnv2 } from './fastify-env';
import { fastifyEtag } from './fastify-etag';
import { fastifyFormbody } from './fastify-formbody';
import { fastifyHelmet } from './fastify-helmet';
import { fastifyJwt, fastifyJwt4 } from './fastify-jwt';
import { fastifyMetrics } from './fastify-metrics';
import { fastifyMongodb } from './fastify-mongodb';
import { fastifyMultipart, fastifyMultipart5 } from './fastify-multipart';
import { fastifyMysql } from './fastify-mysql';
import { fastifyPostgres } from './fastify-postgres';
import { fastifyRateLimit, fastifyRateLimit5 } from './fastify-rate-limit';
import { fastifyRedis } from './fastify-redis';
import { fastifySecureSession, fastifySecureSession3 } from './fastify-secure-session';
import { fastifySensible, fastifySensible3 } from './fastify-sensible';
import { fastifySession, fastifySession5 } from './fastify-session';
import { fastifyStatic } from './fastify-static';
import { fastifySwagger, fastifySwagger4, fastifySwagger7 } from './fastify-swagger';
import { fastifySwaggerUi } from './fastify-swagger-ui';
import { fastifyUnderPressure, fastifyUnderPressure5 } from './fastify-under-pressure';
import { fastifyView, pointOfView5 } from './fastify-view';
import { fastifyWebsocket, fastifyWebsocket4 } from './fastify-websocket';
import type { PackageModel } from './types';

export type { PackageIO, PackageModel } from './types';

/** Every modelled package. (@fastify/autoload and its Fastify 3 name fastify-autoload are replayed by link/autoload.ts.) */
export const PACKAGE_MODELS: PackageModel[] = [
  fastifySensible, fastifySensible3, fastifyJwt, fastifyJwt4, fastifyCookie, fastifyCookie5, fastifySession, fastifySession5,
  fastifySecureSession, fastifySecureSession3, fastifyCors, fastifyCors6, fastifyStatic, fastifySwagger7, fastifySwagger, fastifySwagger4, fastifySwaggerUi,
  fastifyMultipart, fastifyMultipart5, fastifyFormbody, fastifyHelmet, fastifyRateLimit, fastifyRateLimit5, fastifyEnv, fastifyEnv2,
  fastifyPostgres, fastifyMysql, fastifyMongodb, fastifyRedis, fastifyAuth, fastifyWebsocket, fastifyWebsocket4,
  fastifyUnderPressure, fastifyUnderPressure5, fastifyCompress, fastifyEtag, fastifyAwilix, fastifyAwilix1, fastifyView, pointOfView5,
  fastifyAccepts, fastifyCircuitBreaker, fastifyCaching, fastifyCaching6, fastifyMetrics,
];

/** Models by name, in PACKAGE_MODELS order. */
const BY_NAME = new Map<string, PackageModel[]>();
for (const m of PACKAGE_MODELS) for (const n of m.names) BY_NAME.set(n, [...(BY_NAME.get(n) ?? []), m]);

/** The newest model of an npm package by the name it is required by (the one without `versions`), if there is one. */
export function packageModel(name: string): PackageModel | undefined {
  const models = BY_NAME.get(name);
  return models?.find((m) => m.versions === undefined) ?? models?.[0];
}

/** Does choosing a model for this name depend on the version used (several models share it)? */
export function hasVersionedModels(name: string): boolean {
  return (BY_NAME.get(name)?.length ?? 0) > 1;
}

/**
 * The model for the version of the package the project uses: the first whose `versions` range
 * holds it, else the newest. An unknown (or unparsable) version gets the newest and, when the
 * name has several models, a note saying so.
 */
export function packageModelFor(name: string, version: string | undefined): { model: PackageModel; note?: string } | undefined {
  const newest = packageModel(name);
  if (!newest) return undefined;
  const models = BY_NAME.get(name)!;
  if (models.length === 1) return { model: newest };
  if (version === undefined || semver.valid(version) === null) {
    return { model: newest, note: `the version of ${name} used is not known (no installed package, lockfile entry or version range): modelled as its newest release${newest.versions ? ` (${newest.versions})` : ''}, older majors add other routes, decorators or hooks` };
  }
  return { model: models.find((m) => m.versions !== undefined && semver.satisfies(version, m.versions, { includePrerelease: true })) ?? newest };
}
