#!/usr/bin/env node
'use strict';
const { main } = require('../dist/cli.js');
process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
