"""Organizations and STS AssumeRole through boto3, for test/moto/organizations.test.ts.

usage: organizations_sts.py ENDPOINT setup            -> creates an organization in moto, prints
                                                         {"member": ACCOUNT, "ou": OU_ID}
       organizations_sts.py ENDPOINT probe MEMBER OU ROLE
                                                      -> prints the shape of every response
A shape keeps key sets and value types, not values: a dict maps each key to its value's shape, a
list holds the shapes of its items (each distinct shape once), a scalar is its type name.
"""
import json
import sys

import boto3


def client(endpoint, service, **keys):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", **keys)


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items()) if k != "ResponseMetadata"}
    if isinstance(value, list):
        shapes = []
        for item in value:
            s = shape(item)
            if s not in shapes:
                shapes.append(s)
        return shapes
    return type(value).__name__


def setup(endpoint):
    org = client(endpoint, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    payments = org.create_organizational_unit(ParentId=root, Name="payments")["OrganizationalUnit"]["Id"]
    org.create_organizational_unit(ParentId=payments, Name="ledger")
    status = org.create_account(Email="payments@example.com", AccountName="payments-prod")["CreateAccountStatus"]
    member = status["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=payments)
    org.create_account(Email="dev@example.com", AccountName="sandbox-dev")
    print(json.dumps({"member": member, "ou": payments}))


def probe(endpoint, member, ou, role):
    org = client(endpoint, "organizations")
    root = org.list_roots()["Roots"][0]["Id"]
    out = {
        "DescribeOrganization": org.describe_organization(),
        "ListRoots": org.list_roots(),
        "ListAccounts": org.list_accounts(),
        "ListAccounts(MaxResults=1)": org.list_accounts(MaxResults=1),
        "ListAccountsForParent": org.list_accounts_for_parent(ParentId=ou),
        "ListChildren(ACCOUNT)": org.list_children(ParentId=root, ChildType="ACCOUNT"),
        "ListChildren(ORGANIZATIONAL_UNIT)": org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT"),
        "ListOrganizationalUnitsForParent": org.list_organizational_units_for_parent(ParentId=root),
    }
    sts = client(endpoint, "sts")
    assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/{role}", RoleSessionName="cross-check")
    out["AssumeRole"] = assumed
    c = assumed["Credentials"]
    member_sts = client(
        endpoint,
        "sts",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    identity = member_sts.get_caller_identity()
    out["GetCallerIdentity(assumed)"] = identity
    shapes = {name: shape(answer) for name, answer in out.items()}
    # The values that must agree whatever the emulator: who the assumed keys act as.
    shapes["values"] = {
        "Account": identity["Account"] == member,
        "Arn": identity["Arn"] == f"arn:aws:sts::{member}:assumed-role/{role}/cross-check",
    }
    print(json.dumps(shapes, sort_keys=True))


if __name__ == "__main__":
    endpoint, mode, *rest = sys.argv[1:]
    if mode == "setup":
        setup(endpoint)
    else:
        probe(endpoint, *rest)
