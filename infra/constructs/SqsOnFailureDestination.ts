/**
 * An SQS on-failure destination for a Lambda stream event source, granting only what the
 * event source mapping uses to send a failed batch's description to the queue.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Same destination as `SqsDlq` from aws-lambda-event-sources, narrower grant: `SqsDlq`
 * gives the function `grantSendMessages` (sqs:GetQueueAttributes, sqs:GetQueueUrl, and on
 * the queue's key kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*), while the mapping
 * only calls SendMessage, which on a KMS-encrypted queue needs GenerateDataKey and Decrypt.
 */
export class SqsOnFailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(
    _target: lambda.IEventSourceMapping,
    targetHandler: lambda.IFunction,
  ): lambda.DlqDestinationConfig {
    this.queue.grant(targetHandler, 'sqs:SendMessage');
    this.queue.encryptionMasterKey?.grant(targetHandler, 'kms:GenerateDataKey', 'kms:Decrypt');
    return { destination: this.queue.queueArn };
  }
}
