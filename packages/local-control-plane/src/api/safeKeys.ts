import { errors } from './status';

/**
 * Keys that would reach an object's prototype when used as a property name (`obj.__proto__.x`,
 * `obj.constructor.prototype.x`). Objects here are built from request bodies, patches and pointers,
 * so these names are refused wherever input becomes a key, instead of trusting every merge to use
 * own properties only. A real API server would accept `constructor` as, say, a ConfigMap key; this
 * one answers 400 (see the README's limits).
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` may be used as a property name of an object built from input. */
export function isSafeKey(key: string): boolean {
  return !UNSAFE_KEYS.has(key);
}

/** Throws a 400 Status naming `field` when `key` is one of the prototype-reaching names. */
export function assertSafeKey(key: string, field: string): void {
  if (!isSafeKey(key)) {
    throw errors.badRequest(
      `${field}: the key "${key}" is not allowed (__proto__, constructor and prototype are refused)`,
    );
  }
}

/** Walks a decoded body and refuses any object key that is one of the prototype-reaching names. */
export function assertSafeKeys(value: unknown, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertSafeKeys(item, `${path}[${i}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (
    Object.getPrototypeOf(value) !== Object.prototype &&
    Object.getPrototypeOf(value) !== null
  ) {
    throw errors.badRequest(
      `${path || 'the request body'}: objects must be plain JSON objects`,
    );
  }
  for (const key of Object.keys(value)) {
    const child = path ? `${path}.${key}` : key;
    assertSafeKey(key, child);
    assertSafeKeys((value as Record<string, unknown>)[key], child);
  }
}
