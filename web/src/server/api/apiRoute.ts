/**
 * Builds `/api/v1` route handlers from operations: the Host check (the proxy skips these
 * routes), authentication (session cookie or
 * `Authorization: Bearer <api token>`), the refusal of a session signed in with a temporary
 * password (but for the operations it needs), the operation's permission on `{projectId}`, zod
 * validation of path ids, query and body, the same-origin check for cookie-authenticated mutations
 * (CSRF), and JSON errors with stable codes.
 */
import { z } from 'zod';
import { allows, type Principal, type ProjectAccess } from '../access/requireAccess.ts';
import { authenticateRequest, findProjectRole } from '../access/principals.ts';
import { isSameOriginRequest } from '../access/sameOrigin.ts';
import { refuseDisallowedHost } from '../allowedHost.ts';
import { ApiError, apiErrorResponse, toApiError, type ApiIssue } from './apiErrors.ts';
import { searchParamsToObject, type ApiOperation } from './operations.ts';

type RouteContext = { params: Promise<Record<string, string>> };
type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const NO_STORE = { 'cache-control': 'no-store' };

function issuesOf(error: z.ZodError, prefix: string): ApiIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
    message: issue.message,
  }));
}

async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return undefined;
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    throw new ApiError(
      'INVALID_REQUEST',
      'The request body must be JSON (Content-Type: application/json).',
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_REQUEST', 'The request body is not valid JSON.');
  }
}

async function parseInput<Q extends z.ZodType, B extends z.ZodType>(
  operation: ApiOperation<Q, B>,
  request: Request,
  params: Record<string, string> = {},
): Promise<{ query: z.infer<Q>; body: z.infer<B> }> {
  const issues: ApiIssue[] = [];
  if (operation.params) {
    const parsed = operation.params.safeParse(params);
    if (!parsed.success) issues.push(...issuesOf(parsed.error, 'path'));
  }
  let query: unknown = {};
  if (operation.query) {
    const parsed = operation.query.safeParse(
      searchParamsToObject(new URL(request.url).searchParams),
    );
    if (parsed.success) query = parsed.data;
    else issues.push(...issuesOf(parsed.error, 'query'));
  }
  let body: unknown = undefined;
  if (operation.body) {
    const parsed = operation.body.safeParse(await readJsonBody(request));
    if (parsed.success) body = parsed.data;
    else issues.push(...issuesOf(parsed.error, 'body'));
  }
  if (issues.length > 0) throw new ApiError('INVALID_REQUEST', 'The request is not valid.', issues);
  return { query: query as z.infer<Q>, body: body as z.infer<B> };
}

/**
 * Authenticates and applies the CSRF rule and the temporary-password restriction; throws
 * UNAUTHENTICATED / FORBIDDEN / PASSWORD_CHANGE_REQUIRED.
 */
async function authenticate(request: Request, operation: ApiOperation<z.ZodType, z.ZodType>) {
  const authenticated = await authenticateRequest(request);
  if (!authenticated) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'Sign in or send an API token (Authorization: Bearer slt_…).',
    );
  }
  if (
    authenticated.via === 'session' &&
    !SAFE_METHODS.has(request.method) &&
    !isSameOriginRequest(request)
  ) {
    throw new ApiError('FORBIDDEN', 'Cross-origin request refused.');
  }
  if (
    authenticated.principal.passwordChangeRequired &&
    !operation.allowedWhilePasswordChangeRequired
  ) {
    throw new ApiError(
      'PASSWORD_CHANGE_REQUIRED',
      'This session was signed in with a temporary password: set a new password first (POST /api/v1/me/password).',
    );
  }
  return authenticated;
}

async function respond(
  operation: ApiOperation<z.ZodType, z.ZodType>,
  result: unknown,
): Promise<Response> {
  if (result instanceof Response) return result;
  // Parsing the result strips anything the documented response does not declare.
  const parsed = operation.response.safeParse(result);
  if (!parsed.success) {
    console.error(`Response of ${operation.id} does not match its schema:`, parsed.error.issues);
    throw new ApiError('INTERNAL', 'Internal error.');
  }
  if (operation.successStatus === 204)
    return new Response(null, { status: 204, headers: NO_STORE });
  return Response.json(parsed.data ?? null, {
    status: operation.successStatus ?? 200,
    headers: NO_STORE,
  });
}

function errorResponse(operationId: string, error: unknown): Response {
  const apiError = toApiError(error);
  if (apiError.status >= 500) console.error(`${operationId} failed:`, error);
  return apiErrorResponse(apiError, NO_STORE);
}

/** Wraps a route handler for an operation on a project (`{projectId}` in its path). */
export function apiRoute<Q extends z.ZodType, B extends z.ZodType>(
  operation: ApiOperation<Q, B>,
  handler: (ctx: {
    access: ProjectAccess;
    query: z.infer<Q>;
    body: z.infer<B>;
    params: Record<string, string>;
    request: Request;
  }) => Promise<unknown>,
): RouteHandler {
  return async (request, context) => {
    const refused = refuseDisallowedHost(request);
    if (refused) return refused;
    try {
      const params = await context.params;
      const projectId = params.projectId;
      const permission = operation.permission;
      if (!projectId || !permission) {
        throw new Error(`${operation.id}: apiRoute needs a {projectId} path and a permission`);
      }
      const authenticated = await authenticate(request, operation);
      if (
        authenticated.tokenProjectId !== undefined &&
        authenticated.tokenProjectId !== projectId
      ) {
        throw new ApiError('NOT_FOUND', 'Project not found.');
      }
      const role = await findProjectRole(authenticated.principal.userId, projectId);
      // A project the principal is no member of does not exist for them.
      if (!role) throw new ApiError('NOT_FOUND', 'Project not found.');
      const access: ProjectAccess = {
        principal: authenticated.principal,
        projectId,
        role,
        ...(authenticated.scopes ? { scopes: authenticated.scopes } : {}),
      };
      if (!allows(access, permission)) {
        throw new ApiError('FORBIDDEN', `This needs the ${permission} permission.`);
      }
      const { query, body } = await parseInput(operation, request, params);
      return await respond(operation, await handler({ access, query, body, params, request }));
    } catch (error) {
      return errorResponse(operation.id, error);
    }
  };
}

/** Wraps a route handler that needs an authenticated principal but no project (`/api/v1/me`). */
export function principalRoute<Q extends z.ZodType, B extends z.ZodType>(
  operation: ApiOperation<Q, B>,
  handler: (ctx: {
    principal: Principal;
    tokenProjectId: string | undefined;
    query: z.infer<Q>;
    body: z.infer<B>;
    request: Request;
  }) => Promise<unknown>,
): RouteHandler {
  return async (request) => {
    const refused = refuseDisallowedHost(request);
    if (refused) return refused;
    try {
      const authenticated = await authenticate(request, operation);
      const { query, body } = await parseInput(operation, request);
      const result = await handler({
        principal: authenticated.principal,
        tokenProjectId: authenticated.tokenProjectId,
        query,
        body,
        request,
      });
      return await respond(operation, result);
    } catch (error) {
      return errorResponse(operation.id, error);
    }
  };
}
