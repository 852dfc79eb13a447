// dt-sql-parser's ES build imports directories and files without their
// extension, which Node's ES loader refuses; this resolve hook tries the
// specifier as given, then with .js, then as a directory's index.js.
import { register } from 'node:module';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (!specifier.startsWith('.') || !['ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_MODULE_NOT_FOUND'].includes(err.code)) throw err;
    for (const suffix of ['.js', '/index.js']) {
      try {
        return await next(specifier + suffix, context);
      } catch {}
    }
    throw err;
  }
}

if (!globalThis.__instudioResolveRegistered) {
  globalThis.__instudioResolveRegistered = true;
  register(import.meta.url);
}
