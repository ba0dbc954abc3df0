import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The part of the WebAssembly API used here (TypeScript's ES libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

const compiled = new Map<string, object | null>();

/**
 * A new instance of the WebAssembly module `name` (built by scripts/build-wasm.js), compiled once per
 * thread; null where it is not built (a source checkout before `npm run build`), and the caller reads
 * with its JavaScript path instead.
 */
export function wasmInstance<T extends object>(name: string): T | null {
  let module = compiled.get(name);
  if (module === undefined) {
    const file = modulePath(name);
    module = file ? new (api().Module)(readFileSync(file)) : null;
    compiled.set(name, module);
  }
  return module ? (new (api().Instance)(module, {}).exports as T) : null;
}

function api(): WebAssemblyApi {
  return (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
}

/** The compiled module beside this file, or, running from sources (tests), in the build output. */
function modulePath(name: string): string | null {
  const file = `${name}.wasm`;
  const beside = path.join(__dirname, file);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      // A build of the benchmarks compiles the sources elsewhere; the modules are the main build's.
      const built = path.join(dir, 'dist', 'libs', 'fingerprint', 'src', file);
      return existsSync(built) ? built : null;
    }
  }
  return null;
}
