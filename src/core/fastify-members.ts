import type { DecoratorTarget } from './model';

/**
 * Fastify's own members of the instance, the request and the reply (Fastify 3–5, read from real
 * instances): what `hasDecorator`/`hasRequestDecorator`/`hasReplyDecorator` find without any
 * decorator, and what a member read needs no decorator for.
 */
export const BUILTIN_MEMBERS: Record<DecoratorTarget, ReadonlySet<string>> = {
  instance: new Set(
    ('addConstraintStrategy addContentTypeParser addHook addHttpMethod addSchema addresses after all childLoggerFactory close decorate decorateReply decorateRequest defaultTextParser delete errorHandler findRoute genReqId get getDecorator getDefaultJsonParser getDefaultRoute getSchema getSchemas hasConstraintStrategy hasContentTypeParser hasDecorator hasPlugin hasReplyDecorator hasRequestDecorator hasRoute head initialConfig inject listen listeningOrigin log onClose options patch pluginName post prefix printPlugins printRoutes put query ready register removeAllContentTypeParsers removeContentTypeParser route routing serializerCompiler server setChildLoggerFactory setDefaultRoute setErrorHandler setGenReqId setNotFoundHandler setReplySerializer setSchemaController setSchemaErrorFormatter setSerializerCompiler setValidatorCompiler supportedMethods then trace validatorCompiler version withTypeProvider').split(' '),
  ),
  request: new Set(
    ('body compileValidationSchema connection constructor context getDecorator getValidationFunction headers host hostname id ip is404 log mediaType method originalUrl params port protocol query raw routeConfig routeOptions routeSchema routerMethod routerPath server setDecorator signal socket url validateInput').split(' '),
  ),
  reply: new Set(
    ('callNotFound code compileSerializationSchema constructor context elapsedTime getDecorator getHeader getHeaders getResponseTime getSerializationFunction hasHeader hasTrailer header headers hijack log mediaType raw redirect removeHeader removeTrailer request routeOptions send sent serialize serializeInput serializer server status statusCode then trailer type writeEarlyHints').split(' '),
  ),
};

/** A member Fastify itself provides on the target (or Object.prototype does): reading it needs no decorator. */
export function isBuiltinMember(target: DecoratorTarget, name: string): boolean {
  return BUILTIN_MEMBERS[target].has(name) || name in Object.prototype;
}
