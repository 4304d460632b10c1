// The boot peer: the generated app started with real fastify the way `fastify start app.js` loads
// it (the app plugin registered on a new instance), until ready(). Prints {routes} counted with an
// onRoute hook (implicit HEAD routes included). Run under tsx (`node --import tsx`) so the .ts
// files load. Usage: node --import tsx bench/boot.mjs <dir>
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = process.argv[2];
const require = createRequire(join(dir, 'package.json'));
const app = require('fastify')({ logger: false });
let routes = 0;
app.addHook('onRoute', () => {
  routes++;
});
app.register(require(join(dir, 'app.js')));
await app.ready();
console.log(JSON.stringify({ routes }));
await app.close();
