#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('fastify-lens: not built yet: run `npm run build` in ' + path.join(__dirname, '..') + ' first\n');
  process.exit(2);
}
const { main } = require(cli);
process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
