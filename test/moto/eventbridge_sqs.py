"""Rules with SQS targets on moto's EventBridge, for test/moto/event-rules.test.ts.

usage: eventbridge_sqs.py ENDPOINT setup RULE_NAME=PATTERN_FILE ...
       eventbridge_sqs.py ENDPOINT drain QUEUE_NAME ...
Prints JSON: setup -> {rule: queue_url}; drain -> {queue: [event, ...]}.
"""
import json
import sys

import boto3


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name="us-east-1")
    return boto3.client("events", **kw), boto3.client("sqs", **kw)


def setup(endpoint, specs):
    events, sqs = clients(endpoint)
    out = {}
    for spec in specs:
        name, path = spec.split("=", 1)
        with open(path, encoding="utf8") as f:
            pattern = f.read()
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name=name, EventPattern=pattern, State="ENABLED")
        events.put_targets(Rule=name, Targets=[{"Id": name, "Arn": arn}])
        out[name] = url
    print(json.dumps(out))


def drain(endpoint, names):
    _, sqs = clients(endpoint)
    out = {}
    for name in names:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        received = []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            if not batch:
                break
            for message in batch:
                received.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        out[name] = received
    print(json.dumps(out))


if __name__ == "__main__":
    endpoint, command, *rest = sys.argv[1:]
    {"setup": setup, "drain": drain}[command](endpoint, rest)
