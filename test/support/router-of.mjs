// The find-my-way router of a booted fastify instance: Fastify binds printRoutes to the router's
// prettyPrint when an instance is built (Fastify 3, 4, 5), so wrapping the prototype before any
// instance exists lets printRoutes() hand the router over. `require` resolves the app's fastify.
import { createRequire } from 'node:module';

export function routerCatcher(require) {
  const Router = createRequire(require.resolve('fastify'))('find-my-way');
  const prettyPrint = Router.prototype.prettyPrint;
  let caught;
  Router.prototype.prettyPrint = function (...args) {
    if (caught !== undefined) return (caught = this), '';
    return prettyPrint.apply(this, args);
  };
  return (app) => {
    caught = null;
    app.printRoutes();
    const router = caught;
    caught = undefined;
    return router;
  };
}
