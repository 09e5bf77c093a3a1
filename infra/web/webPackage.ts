/**
 * The web app's AWS Lambda package, as `npx sightline build-web` (buildWebPackage.ts) writes it
 * and the CDK stack (infra/constructs/WebFunction.ts) deploys it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the standalone build lands under the repository root. */
export const WEB_DIST_DIRECTORY = 'web/.next-lambda';
/** The package directory the stack deploys (`web` prop `packageDirectory`). */
export const WEB_PACKAGE_DIRECTORY = `${WEB_DIST_DIRECTORY}/standalone`;
/** The function's handler: the adapter runs it as the web server's start command. */
export const WEB_HANDLER = 'run.sh';

/** Files the package must hold for the stack to deploy it. */
export const WEB_PACKAGE_FILES = [WEB_HANDLER, 'web/lambda-start.mjs', 'web/server.js'];

/** The files of a package that are missing, relative to it (empty when it is complete). */
export function missingPackageFiles(packageDirectory: string): string[] {
  return WEB_PACKAGE_FILES.filter((file) => !existsSync(path.join(packageDirectory, file)));
}
