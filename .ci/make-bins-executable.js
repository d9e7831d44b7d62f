#!/usr/bin/env node
/*
 * Marks every command of package.json "bin" executable; `npm run build` runs it after tsc. tsc creates files with
 * mode 0644, so after `npm run clean` (which `npm pack` runs through `prepack`) the compiled bin would lose its
 * execute bit, and `npx estate` would fail with "Permission denied" wherever npm had linked it before.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const bins = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : manifest.bin || {};
for (const [name, file] of Object.entries(bins)) {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) {
    console.error(`make-bins-executable: bin "${name}" is ${file}, which the build did not write`);
    process.exit(1);
  }
  if (!fs.readFileSync(full, 'utf8').startsWith('#!')) {
    console.error(`make-bins-executable: bin "${name}" (${file}) does not start with a #! line: it cannot run as a command`);
    process.exit(1);
  }
  fs.chmodSync(full, fs.statSync(full).mode | 0o111);
}
