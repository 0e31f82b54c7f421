"""Transforms template.yaml with AWS's own SAM translator (aws-sam-translator) and prints the
resulting CloudFormation template as JSON.

Local paths are replaced by S3 locations first, as `sam package` does; managed policy names are
resolved to their well-known ARNs without calling IAM (no AWS account is needed).
Usage: python3 test/support/sam-transform.py template.yaml [Key=Value ...]
The Key=Value pairs are the stack's parameter values, as `sam deploy --parameter-overrides` gives
them to the transform.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class OfflinePolicyLoader:
    """Resolves AWS managed policy names (e.g. AWSXrayWriteOnlyAccess) without calling IAM."""

    def load(self):
        return KnownPolicies()


class KnownPolicies(dict):
    def get(self, name, default=None):
        return f"arn:aws:iam::aws:policy/{name}"

    def __contains__(self, name):
        return True

    def __getitem__(self, name):
        return self.get(name)


def packaged(template):
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = f"s3://artifacts/{logical_id}.zip"
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(props.get("ContentUri"), str):
            props["ContentUri"] = f"s3://artifacts/{logical_id}.zip"
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["DefinitionUri"] = {"Bucket": "artifacts", "Key": f"{logical_id}.asl.json"}
    return template


def main(path, overrides):
    # The translator reads the region from the environment; no AWS call is made with it.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(path, encoding="utf-8") as handle:
        template = packaged(yaml_parse(handle.read()))
    parameters = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    parameters.update(pair.split("=", 1) for pair in overrides)
    output = transform(template, parameters, OfflinePolicyLoader())
    json.dump(output, sys.stdout, indent=2, default=str)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml", sys.argv[2:])
