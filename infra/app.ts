/**
 * The CDK app entry point (`cdk.json` runs it): the Sightline stack, checked by cdk-nag's
 * AWS Solutions rules on every synth. Environment-agnostic, so it synthesizes offline.
 *
 * Context (`-c key=value`, or `cdk.context.json`), all optional:
 * - `webUrl`: the web app's public https:// URL (also the Cognito app client's callback base);
 * - `webCertificateArn`: an ACM certificate for that domain: with it the stack deploys the web
 *   app, from the package `npx sightline build-web` built (`webPackage` to use another);
 * - `authDomainPrefix`: the Cognito hosted sign-in domain prefix;
 * - `acceptContractV1`: `false` makes ingest refuse wire contract v1 records (SDK 0.2.0 and
 *   older) once every producer sends v2.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { booleanContext } from './appContext.ts';
import { SightlineStack } from './stacks/SightlineStack.ts';
import { WEB_PACKAGE_DIRECTORY } from './web/webPackage.ts';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const webUrl = context('webUrl');
const webCertificateArn = context('webCertificateArn');
const authDomainPrefix = context('authDomainPrefix');
const acceptContractV1 = booleanContext(
  'acceptContractV1',
  app.node.tryGetContext('acceptContractV1'),
);
new SightlineStack(app, 'Sightline', {
  description:
    'Sightline: LLM observability (Kinesis, Lambda, DynamoDB, Cognito, ClickHouse secret, web app)',
  ...(webUrl ? { webUrl } : {}),
  ...(authDomainPrefix ? { authDomainPrefix } : {}),
  ...(acceptContractV1 !== undefined ? { acceptContractV1 } : {}),
  ...(webCertificateArn
    ? {
        web: {
          certificateArn: webCertificateArn,
          packageDirectory: path.resolve(
            repositoryRoot,
            context('webPackage') ?? WEB_PACKAGE_DIRECTORY,
          ),
        },
      }
    : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
