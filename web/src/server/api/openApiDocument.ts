/**
 * Generates the OpenAPI 3.1 document from the operation registry: zod 4's JSON Schema output
 * (draft 2020-12, which OpenAPI 3.1 uses) for query parameters, bodies and responses, the
 * error body every failure shares, and the two ways to authenticate.
 */
import { z } from 'zod';
import { ApiErrorBodySchema, type ApiOperation } from './operations.ts';
import { API_ERROR_STATUS } from './apiErrors.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function pathParameters(path: string, schema: z.ZodType | undefined) {
  const properties = (schema ? (jsonSchema(schema, 'input').properties ?? {}) : {}) as Record<
    string,
    JsonSchema
  >;
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: properties[match[1] ?? ''] ?? { type: 'string' },
  }));
}

function queryParameters(schema: z.ZodType | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
    ...(property.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
});

function responsesOf(operation: ApiOperation<z.ZodType, z.ZodType>) {
  const status = String(operation.successStatus ?? 200);
  const success =
    status === '204'
      ? { description: 'Done.' }
      : {
          description: 'Success.',
          content: { 'application/json': { schema: jsonSchema(operation.response, 'output') } },
        };
  return {
    [status]: success,
    ...(operation.params || operation.query || operation.body
      ? {
          [API_ERROR_STATUS.INVALID_REQUEST]: errorResponse(
            'INVALID_REQUEST: a path id, the query or the body is not valid; `issues` says where.',
          ),
        }
      : {}),
    [API_ERROR_STATUS.UNAUTHENTICATED]: errorResponse(
      'UNAUTHENTICATED: no valid session or API token.',
    ),
    [API_ERROR_STATUS.FORBIDDEN]: errorResponse(
      operation.allowedWhilePasswordChangeRequired
        ? 'FORBIDDEN: the role or token scopes lack the permission, or a cross-origin request with a session cookie.'
        : 'FORBIDDEN: the role or token scopes lack the permission, or a cross-origin request with a session cookie. PASSWORD_CHANGE_REQUIRED: the session was signed in with a temporary password, which must be replaced first (POST /api/v1/me/password).',
    ),
    ...(operation.path.includes('{projectId}')
      ? {
          [API_ERROR_STATUS.NOT_FOUND]: errorResponse(
            'NOT_FOUND: no such project for this caller (or no such item).',
          ),
        }
      : {}),
    [API_ERROR_STATUS.STORE_UNAVAILABLE]: errorResponse(
      'STORE_UNAVAILABLE: a data store did not answer; retry later.',
    ),
    [API_ERROR_STATUS.INTERNAL]: errorResponse('INTERNAL: unexpected server error.'),
  };
}

export function buildOpenApiDocument(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- operations differ in their schema types
  operations: ReadonlyArray<ApiOperation<any, any>>,
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const entry = (paths[operation.path] ??= {});
    entry[operation.method.toLowerCase()] = {
      operationId: operation.id,
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      ...(operation.tag ? { tags: [operation.tag] } : {}),
      ...(operation.permission ? { 'x-sightline-permission': operation.permission } : {}),
      parameters: [
        ...pathParameters(operation.path, operation.params),
        ...queryParameters(operation.query),
      ],
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } },
            },
          }
        : {}),
      responses: responsesOf(operation),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: '1',
      description:
        'Read traces and metrics and manage a project. Each operation names the permission it needs (x-sightline-permission); a caller who is no member of the project gets 404. A session signed in with a temporary password may only read /api/v1/me and set a new password (POST /api/v1/me/password); every other operation answers 403 PASSWORD_CHANGE_REQUIRED.',
    },
    servers: [{ url: '/' }],
    security: [{ apiToken: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'slt_<id>_<secret>',
          description:
            'A project API token (Settings → API tokens), limited to the scopes chosen when it was created.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'better-auth.session_token',
          description:
            'The browser session after sign-in (`__Secure-better-auth.session_token` over https). Mutations with the cookie must come from the app’s own origin.',
        },
      },
      schemas: { ApiError: jsonSchema(ApiErrorBodySchema, 'output') },
    },
  };
}
