/**
 * What every Sightline function gets first: its own log group (KMS-encrypted with the data key,
 * retained on delete) and its own role, allowed to write there and nothing else yet. Not the
 * default role, which would attach the AWS managed AWSLambdaBasicExecutionRole (log writes to
 * every log group of the account).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** A log group encrypted with the data key, kept a month unless told otherwise, retained. */
export function encryptedLogGroup(
  scope: Construct,
  id: string,
  props: { dataKey: kms.IKey; logRetention?: logs.RetentionDays | undefined },
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    encryptionKey: props.dataKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

export function functionLogGroupAndRole(
  scope: Construct,
  props: {
    dataKey: kms.IKey;
    logRetention?: logs.RetentionDays | undefined;
    /** The role's description, e.g. `Sightline ingest function`. */
    description: string;
  },
): { logGroup: logs.LogGroup; role: iam.Role } {
  const logGroup = encryptedLogGroup(scope, 'LogGroup', props);
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
  });
  logGroup.grantWrite(role);
  return { logGroup, role };
}
