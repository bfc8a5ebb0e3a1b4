// A module-resolution hook that makes the drivers (and bullmq) look uninstalled, to test that the
// adapter subpaths import without them and fail with DriverMissingError only when used.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
const hidden = new Set(['pg', 'mysql2', 'mysql2/promise', 'redis', 'ioredis', 'bullmq']);
export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const error = new Error("Cannot find package '" + specifier.split('/')[0] + "' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`)}`,
);
