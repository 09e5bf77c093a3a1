import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from './openApiDocument.ts';
import { OPERATIONS } from './operationIndex.ts';
import { defineOperation, queryList } from './operations.ts';

const listThings = defineOperation({
  id: 'listThings',
  method: 'GET',
  path: '/api/v1/projects/{projectId}/things',
  summary: 'Lists things.',
  permission: 'traces:read',
  query: z.object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    model: queryList(z.string()).optional(),
  }),
  response: z.object({ things: z.array(z.object({ id: z.string() })) }),
});

describe('buildOpenApiDocument', () => {
  it('describes path and query parameters, responses and the permission', () => {
    const document = buildOpenApiDocument([listThings]);
    const operation = document.paths['/api/v1/projects/{projectId}/things']?.get as Record<
      string,
      unknown
    >;
    const parameters = operation.parameters as Array<Record<string, unknown>>;
    expect(document.openapi).toBe('3.1.0');
    expect(parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['projectId', 'path', true],
      ['limit', 'query', false],
      ['model', 'query', false],
    ]);
    expect(operation['x-sightline-permission']).toBe('traces:read');
    expect(Object.keys(operation.responses as object)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    );
  });

  it('documents every registered operation once, with unique ids', () => {
    const document = buildOpenApiDocument(OPERATIONS);
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => (operation as { operationId: string }).operationId),
    );
    expect(ids).toHaveLength(OPERATIONS.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.components.securitySchemes.apiToken.scheme).toBe('bearer');
  });

  it('documents the checked path ids and their 400', () => {
    const document = buildOpenApiDocument(OPERATIONS);
    const revoke = document.paths['/api/v1/projects/{projectId}/api-tokens/{tokenId}']?.delete as {
      parameters: Array<Record<string, unknown>>;
      responses: object;
    };

    expect(revoke.parameters).toContainEqual(
      expect.objectContaining({
        name: 'tokenId',
        in: 'path',
        schema: expect.objectContaining({ type: 'string', pattern: expect.any(String) }),
      }),
    );
    expect(Object.keys(revoke.responses)).toContain('400');
  });
});
