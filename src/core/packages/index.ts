import { fastifyAccepts } from './fastify-accepts';
import { fastifyAuth } from './fastify-auth';
import { fastifyAwilix } from './fastify-awilix';
import { fastifyCaching } from './fastify-caching';
import { fastifyCircuitBreaker } from './fastify-circuit-breaker';
import { fastifyCompress } from './fastify-compress';
import { fastifyCookie } from './fastify-cookie';
import { fastifyCors, fastifyCors6 } from './fastify-cors';
import { fastifyEnv } from './fastify-env';
import { fastifyEtag } from './fastify-etag';
import { fastifyFormbody } from './fastify-formbody';
import { fastifyHelmet } from './fastify-helmet';
import { fastifyJwt } from './fastify-jwt';
import { fastifyMetrics } from './fastify-metrics';
import { fastifyMongodb } from './fastify-mongodb';
import { fastifyMultipart } from './fastify-multipart';
import { fastifyMysql } from './fastify-mysql';
import { fastifyPostgres } from './fastify-postgres';
import { fastifyRateLimit } from './fastify-rate-limit';
import { fastifyRedis } from './fastify-redis';
import { fastifySecureSession } from './fastify-secure-session';
import { fastifySensible, fastifySensible3 } from './fastify-sensible';
import { fastifySession } from './fastify-session';
import { fastifyStatic } from './fastify-static';
import { fastifySwagger, fastifySwagger4 } from './fastify-swagger';
import { fastifySwaggerUi } from './fastify-swagger-ui';
import { fastifyUnderPressure } from './fastify-under-pressure';
import { fastifyView } from './fastify-view';
import { fastifyWebsocket } from './fastify-websocket';
import type { PackageModel } from './types';

export type { PackageModel } from './types';

/** Every modelled package. (@fastify/autoload and its Fastify 3 name fastify-autoload are replayed by link/autoload.ts.) */
export const PACKAGE_MODELS: PackageModel[] = [
  fastifySensible, fastifySensible3, fastifyJwt, fastifyCookie, fastifySession, fastifySecureSession, fastifyCors, fastifyCors6, fastifyStatic,
  fastifySwagger, fastifySwagger4, fastifySwaggerUi, fastifyMultipart, fastifyFormbody, fastifyHelmet, fastifyRateLimit,
  fastifyEnv, fastifyPostgres, fastifyMysql, fastifyMongodb, fastifyRedis, fastifyAuth, fastifyWebsocket,
  fastifyUnderPressure, fastifyCompress, fastifyEtag, fastifyAwilix, fastifyView, fastifyAccepts, fastifyCircuitBreaker,
  fastifyCaching, fastifyMetrics,
];

const BY_NAME = new Map<string, PackageModel>();
for (const m of PACKAGE_MODELS) for (const n of m.names) BY_NAME.set(n, m);

/** The model of an npm package by the name it is required by, if there is one. */
export function packageModel(name: string): PackageModel | undefined {
  return BY_NAME.get(name);
}
