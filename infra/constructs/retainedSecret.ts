/**
 * A Secrets Manager secret as Sightline keeps every one: encrypted with a key of ours, retained
 * when the stack is deleted, generated at creation, and rotated by hand for the reason given
 * (recorded as the acknowledgement of cdk-nag's rotation rule, AwsSolutions-SMG4).
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** 64 letters and digits: what a key or signing secret of ours is generated as. */
export const RANDOM_SECRET: secretsmanager.SecretStringGenerator = {
  passwordLength: 64,
  excludePunctuation: true,
};

export function retainedSecret(
  scope: Construct,
  id: string,
  props: {
    description: string;
    encryptionKey: kms.IKey;
    secretName?: string | undefined;
    generateSecretString: secretsmanager.SecretStringGenerator;
    /** Why it is rotated by hand rather than on a schedule. */
    rotatedByHandBecause: string;
  },
): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    ...(props.secretName ? { secretName: props.secretName } : {}),
    description: props.description,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
    generateSecretString: props.generateSecretString,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: props.rotatedByHandBecause,
  });
  return secret;
}
