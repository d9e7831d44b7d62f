#!/usr/bin/env node
// The `estate` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
const path = require('path');
const fs = require('fs');
const compiled = path.join(__dirname, '..', 'lib', 'stacks', 'cli', 'main.js');
if (!fs.existsSync(compiled)) {
  process.stderr.write('estate: the CLI is not built yet. Fix: run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
require(compiled).runCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });
