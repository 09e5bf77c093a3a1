/**
 * The CDK app entry point (`cdk.json` runs it): the Sightline stack, checked by cdk-nag's
 * AWS Solutions rules on every synth. Environment-agnostic, so it synthesizes offline.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SightlineStack } from './stacks/SightlineStack.ts';

const app = new App();
new SightlineStack(app, 'Sightline', {
  description: 'Sightline: LLM observability ingest (Kinesis, Lambda, DynamoDB, ClickHouse secret)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
