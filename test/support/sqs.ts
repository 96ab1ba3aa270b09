/**
 * Lambda SQS events for the worker function: the shape an event source mapping delivers
 * (aws-lambda's SQSEvent), built from message bodies or from messages received from a queue.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** One record as an event source mapping delivers it. */
export function sqsRecord(body: string, messageId: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1764394200000',
      SenderId: 'AROAEXAMPLE:cloudhsm-ops-prod-dispatch',
      ApproximateFirstReceiveTimestamp: '1764394201000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:cloudhsm-ops-prod-units',
    awsRegion: 'us-east-1',
  };
}

/** An SQS event carrying `bodies`, message ids `m-0`, `m-1`, ... unless given. */
export function sqsEvent(
  records: (string | { body: string; messageId: string; receiveCount?: number })[],
): SQSEvent {
  return {
    Records: records.map((record, i) =>
      typeof record === 'string'
        ? sqsRecord(record, `m-${i}`)
        : sqsRecord(record.body, record.messageId, record.receiveCount),
    ),
  };
}
