/**
 * A CommonJS `require` for loading the codec packages (Emscripten factories and jpeg-lossless are CJS,
 * without type declarations) and resolving their `.wasm` files. Under ESM (tsx, Node) it is anchored at this
 * module; in a CommonJS bundle, where `import.meta.url` is empty, at the working directory, whose
 * node_modules must then hold the codec packages (a packaged app ships them unpacked).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

let cached: NodeJS.Require | undefined;

export function nodeRequire(): NodeJS.Require {
  if (cached === undefined) {
    const url: unknown = (import.meta as { url?: unknown }).url;
    cached = createRequire(typeof url === 'string' && url !== '' ? url : join(process.cwd(), 'package.json'));
  }
  return cached;
}
