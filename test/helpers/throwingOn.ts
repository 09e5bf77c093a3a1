/**
 * For `vi.mock` factories: a module whose function `name` throws `error()` when its first
 * argument (a text) contains `marker`, and otherwise runs the real one. Tests use it to make
 * one detector fail on one text while everything else stays real.
 */
export function throwingOn<Module extends Record<string, unknown>>(
  module: Module,
  name: keyof Module & string,
  marker: string,
  error: () => Error,
): Module {
  const original = module[name] as (...args: unknown[]) => unknown;
  return {
    ...module,
    [name]: (...args: unknown[]) => {
      if (String(args[0]).includes(marker)) throw error();
      return original(...args);
    },
  };
}
