/**
 * Runs before every request: refuses Host names the app is not configured to serve
 * (SIGHTLINE_WEB_ALLOWED_HOSTS, loopback by default). Sign-in checks join here and in each
 * page when authentication lands.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { serverEnv } from '../functions/config/env.ts';
import { isAllowedHost } from './src/server/allowedHost.ts';

export function proxy(request: NextRequest): NextResponse {
  if (!isAllowedHost(request.headers.get('host'), serverEnv().SIGHTLINE_WEB_ALLOWED_HOSTS)) {
    return new NextResponse(
      'Host not allowed. Set SIGHTLINE_WEB_ALLOWED_HOSTS to serve this name.\n',
      {
        status: 421,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      },
    );
  }
  return NextResponse.next();
}
