#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `prepare` on install).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'shadowscan: not built yet. Run `npm run build` in ' + path.join(__dirname, '..') + '\n',
  );
  process.exit(2);
}
require(entry)
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`shadowscan: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 1;
    },
  );
