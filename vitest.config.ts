import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sdk,functions,infra,web,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/.next/**', 'web/.next-lambda/**', 'cdk.out/**'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
