"""Exercises the sandbox with boto3 (an independent AWS client) and prints what it saw as JSON.

Usage: python3 boto3_check.py ENDPOINT_URL BACKUP_ID
"""
import json
import sys

import boto3
from botocore.config import Config

url, backup_id = sys.argv[1], sys.argv[2]
session = boto3.session.Session(aws_access_key_id="dummy", aws_secret_access_key="dummy")
config = Config(retries={"total_max_attempts": 1})
east = session.client("cloudhsmv2", region_name="us-east-1", endpoint_url=url, config=config)
west = session.client("cloudhsmv2", region_name="us-west-2", endpoint_url=url, config=config)
seen = {}

pages = east.get_paginator("describe_backups").paginate(PaginationConfig={"PageSize": 20})
ids, page_count, aware = [], 0, True
for page in pages:
    page_count += 1
    for backup in page["Backups"]:
        ids.append(backup["BackupId"])
        aware = aware and backup["CreateTimestamp"].tzinfo is not None
seen["paged"] = {"pages": page_count, "ids": ids, "timezone_aware": aware}

copy = east.copy_backup_to_region(BackupId=backup_id, DestinationRegion="us-west-2")["DestinationBackup"]
found = west.describe_backups(Filters={"sourceBackupIds": [backup_id]})["Backups"]
deleted = east.delete_backup(BackupId=backup_id)["Backup"]
restored = east.restore_backup(BackupId=backup_id)["Backup"]
seen["copy"] = {
    "source_backup": copy["SourceBackup"],
    "create_timestamp": copy["CreateTimestamp"].timestamp(),
    "found": [[b["SourceBackup"], b["BackupState"]] for b in found],
}
seen["delete"] = {"state": deleted["BackupState"], "delete_timestamp": deleted["DeleteTimestamp"].timestamp()}
seen["restore"] = {"state": restored["BackupState"]}


def modeled(call, exception):
    try:
        call()
    except exception as error:
        return error.response["Error"]["Code"]
    except Exception as error:  # noqa: BLE001 - report what boto3 raised instead
        return "unmodeled: %s" % type(error).__name__
    return "no error"


seen["errors"] = {
    "not_found": modeled(lambda: east.delete_backup(BackupId="backup-zzzzzzzzzzz"), east.exceptions.CloudHsmResourceNotFoundException),
    "invalid": modeled(lambda: east.restore_backup(BackupId=backup_id), east.exceptions.CloudHsmInvalidRequestException),
    "max_results": modeled(lambda: east.describe_backups(MaxResults=51), east.exceptions.CloudHsmInvalidRequestException),
}
print(json.dumps(seen))
