#!/usr/bin/env node
/**
 * Compiles the AssemblyScript sources under libs/ to WebAssembly, next to the compiled JavaScript that
 * loads them (dist/libs/...). Run by `npm run build`; the readers fall back to their JavaScript paths
 * when a module is missing, so a source checkout without a build still works, only slower.
 */
const { execFileSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/**
 * `pages`: the module's memory, fixed (64 KiB pages). The loader never grows it: growing detaches the
 * memory's old ArrayBuffer, and the first ArrayBuffer detached in a process makes V8 check every typed
 * array access from then on (the reader's batches and buffers): a workbook read took ~17% longer.
 */
const MODULES = [
  {
    source: 'libs/fingerprint/wasm/sheet-scan.ts',
    out: 'dist/libs/fingerprint/src/sheet-scan.wasm',
    pages: 64,
  },
  {
    source: 'libs/fingerprint/wasm/csv-scan.ts',
    out: 'dist/libs/fingerprint/src/csv-scan.wasm',
    pages: 96,
  },
  {
    source: 'libs/fingerprint/wasm/columns.ts',
    out: 'dist/libs/fingerprint/src/columns.wasm',
    pages: 1024,
  },
];

for (const { source, out, pages } of MODULES) {
  mkdirSync(path.dirname(path.join(root, out)), { recursive: true });
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
      source,
      // No runtime and no imports: the scanner allocates nothing and aborts on nothing.
      '--runtime',
      'stub',
      '--use',
      'abort=',
      '--noAssert',
      '--initialMemory',
      String(pages),
      '--maximumMemory',
      String(pages),
      '-O3',
      '--outFile',
      out,
    ],
    { cwd: root, stdio: 'inherit' },
  );
}
