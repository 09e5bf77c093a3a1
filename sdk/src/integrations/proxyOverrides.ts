/**
 * A Proxy that replaces a few properties of a client (or one of its resources) and passes
 * everything else through, so a wrapped client keeps its type, its other methods and its
 * `instanceof`. Methods read through the proxy are bound to the real object: clients with
 * `#private` fields break when such a method runs with the proxy as `this`. Wrapping a proxy
 * made here wraps its target instead, so wrapping twice replaces the tracing, never stacks it.
 */
type Override<T> = (original: unknown, proxy: T) => unknown;

const targets = new WeakMap<object, object>();

export function proxyWithOverrides<T extends object>(
  wrapped: T,
  overrides: Partial<Record<string, Override<T>>>,
): T {
  const target = (targets.get(wrapped) ?? wrapped) as T;
  const replaced = new Map<PropertyKey, unknown>();
  const bound = new WeakMap<object, unknown>();
  const proxy: T = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      const override = typeof property === 'string' ? overrides[property] : undefined;
      if (override && value !== undefined && value !== null) {
        if (!replaced.has(property)) replaced.set(property, override(value, proxy));
        return replaced.get(property);
      }
      if (typeof value !== 'function') return value;
      let method = bound.get(value);
      if (!method) {
        method = (value as (...args: unknown[]) => unknown).bind(object);
        bound.set(value, method);
      }
      return method;
    },
  });
  targets.set(proxy, target);
  return proxy;
}
