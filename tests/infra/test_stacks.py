"""Every stack file run through the program under Pulumi's mocks, and the invariants of
what it declares: ports, encryption, tags, lifecycle, IAM scope, IMDSv2, the separate data
volume, and protections that belong to prod only."""

from __future__ import annotations

import json
import runpy
from functools import cache
from typing import Any

import pulumi
import pytest
import yaml

from app.migrate import ROOT
from infra.cloud_init import DATA_DEVICE
from tests.infra.stacks import (
    VARIANTS,
    Recorder,
    Resource,
    as_runtime_config,
    event_loop,
    of_type,
    profile_of,
    record,
    settings_of,
    stack_file,
)

SINGLE = [v for v in VARIANTS if profile_of(v) == "single-host"]
SCALED = [v for v in VARIANTS if profile_of(v) == "scaled"]


@cache
def declared(variant: str) -> tuple[Resource, ...]:
    return tuple(record(variant))


def setting(variant: str, key: str, default: Any = None) -> Any:
    return settings_of(variant).get(f"courzly:{key}", default)


def is_prod(variant: str) -> bool:
    return VARIANTS[variant][0] == "prod"


def one(resources: tuple[Resource, ...], suffix: str, named: str = "") -> dict[str, Any]:
    """The one resource of a type (whose name ends with `named`, when there are several)."""
    [found] = [r for r in of_type(list(resources), suffix) if r.name.endswith(named)]
    return found.inputs


def ingress_ports(group: dict[str, Any]) -> dict[int, list[str]]:
    return {
        rule["fromPort"]: [*rule.get("cidrBlocks", []), *rule.get("ipv6CidrBlocks", [])]
        for rule in group["ingress"]
    }


@pytest.mark.parametrize("stack", SINGLE)
def test_web_is_open_ssh_only_to_admins_and_egress_is_narrow(stack: str) -> None:
    group = one(declared(stack), "ec2/securityGroup:SecurityGroup")
    ports = ingress_ports(group)
    assert ports[80] == ports[443] == ["0.0.0.0/0", "::/0"]
    admins = setting(stack, "adminCidrs")
    if setting(stack, "ssmOnly"):
        assert 22 not in ports
    else:
        assert ports[22] == admins
    assert set(ports) <= {22, 80, 443}
    assert {(r["protocol"], r["fromPort"]) for r in group["egress"]} == {
        ("tcp", 443), ("tcp", 80), ("tcp", 587), ("udp", 123)
    }  # fmt: skip


@pytest.mark.parametrize("stack", SINGLE)
def test_the_host_requires_imdsv2_and_keeps_its_data_on_a_separate_encrypted_volume(
    stack: str,
) -> None:
    resources = declared(stack)
    instance = one(resources, "ec2/instance:Instance")
    assert instance["metadataOptions"]["httpTokens"] == "required"
    assert instance["rootBlockDevice"] == {
        "deleteOnTermination": True,
        "encrypted": True,
        "volumeSize": int(setting(stack, "rootVolumeGb", 20)),
        "volumeType": "gp3",
    }
    data = one(resources, "ebs/volume:Volume")
    assert (data["encrypted"], data["type"]) == (True, "gp3")
    assert data["size"] == int(setting(stack, "dataVolumeGb"))
    attachment = one(resources, "ec2/volumeAttachment:VolumeAttachment")
    assert attachment["deviceName"] == DATA_DEVICE
    assert instance["instanceType"] == setting(stack, "instanceType")
    user_data = yaml.safe_load(instance["userData"])
    playbook = user_data["runcmd"][-1]
    assert playbook[0] == "ansible-playbook"
    settings = json.loads(playbook[3].removeprefix("--extra-vars="))
    assert settings["courzly_public_url"] == f"https://{setting(stack, 'domain')}"
    assert settings["courzly_admin_cidrs"] == setting(stack, "adminCidrs")
    assert setting(stack, "repositoryRevision") in instance["userData"]
    [image] = [r for r in resources if r.type == "aws:ec2/instance:Instance"]
    assert image.inputs["ami"] == "ami-0debian12"  # looked up, not hard-coded


@pytest.mark.parametrize("stack", SINGLE)
def test_protections_that_belong_to_prod_are_there_in_prod_only(stack: str) -> None:
    resources = declared(stack)
    prod = is_prod(stack)
    assert one(resources, "ec2/instance:Instance").get("disableApiTermination", False) is prod
    assert (
        bool(
            of_type(
                list(resources), "s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
            )
        )
        is prod
    )


@pytest.mark.parametrize("stack", list(VARIANTS))
def test_backups_are_versioned_kms_encrypted_tls_only_and_old_versions_expire(
    stack: str,
) -> None:
    resources = declared(stack)
    retention = int(setting(stack, "backupRetentionDays"))
    assert one(resources, "kms/key:Key", "-backups-key")["enableKeyRotation"] is True
    versioning = one(resources, "s3/bucketVersioning:BucketVersioning", "-backups-versioning")
    assert versioning["versioningConfiguration"] == {"status": "Enabled"}
    lifecycle = "s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    rules = {r["id"]: r for r in one(resources, lifecycle, "-backups-lifecycle")["rules"]}
    rule = rules["retention"]
    # pgBackRest expires its own sets; its info files are written once and must not age out.
    assert "expiration" not in rule
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == retention
    archives = rules["host-config-archives"]
    assert archives["filter"] == {"prefix": "courzly/host-config/"}
    assert archives["expiration"]["days"] == retention
    # Archived after 30 days, unless they expire by then (S3 refuses that combination).
    archive = [{"days": 30, "storageClass": "GLACIER_IR"}] if retention > 30 else []
    assert rule["transitions"] == archive
    policy = json.loads(one(resources, "s3/bucketPolicy:BucketPolicy", "-backups-policy")["policy"])
    sids = {s["Sid"]: s for s in policy["Statement"]}
    assert sids["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sids["DenyOtherEncryption"]["Effect"] == "Deny"


@pytest.mark.parametrize("stack", SINGLE)
def test_the_host_role_reaches_only_its_bucket_prefix_and_key(stack: str) -> None:
    resources = declared(stack)
    policy = json.loads(one(resources, "iam/rolePolicy:RolePolicy", "-backups")["policy"])
    resources_named = [r for s in policy["Statement"] for r in [s["Resource"]]]
    environment = VARIANTS[stack][0]
    bucket = f"arn:aws:mock:::courzly-{environment}-backups-bucket"
    key = f"arn:aws:mock:::courzly-{environment}-backups-key"
    assert resources_named == [bucket, f"{bucket}/courzly/*", key]
    assert all("*" not in a for s in policy["Statement"] for a in s["Action"])
    attached = {
        r.inputs["policyArn"]
        for r in of_type(list(resources), "rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attached == {
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
        "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
    }


@pytest.mark.parametrize("stack", list(VARIANTS))
def test_every_taggable_resource_carries_the_stack_tags(stack: str) -> None:
    tagged = [r for r in declared(stack) if "tags" in r.inputs]
    assert len(tagged) > 20
    for resource in tagged:
        tags = resource.inputs["tags"]
        if isinstance(tags, list):  # an Auto Scaling group's, passed on to its instances
            assert all(t["propagateAtLaunch"] for t in tags), resource.name
            tags = {t["key"]: t["value"] for t in tags}
        assert tags["environment"] == VARIANTS[stack][0], resource.name
        assert {"project", "owner", "cost-center"} <= set(tags), resource.name


@pytest.mark.parametrize("stack", SINGLE)
def test_two_zones_public_and_private_and_no_nat_on_a_single_host(stack: str) -> None:
    resources = list(declared(stack))
    subnets = of_type(resources, "ec2/subnet:Subnet")
    assert (
        sorted(s.inputs["availabilityZone"] for s in subnets)
        == ["eu-west-1a"] * 2 + ["eu-west-1b"] * 2
    )
    assert not of_type(resources, "ec2/natGateway:NatGateway")
    assert one(declared(stack), "ec2/vpc:Vpc")["enableDnsHostnames"] is True


@pytest.mark.parametrize("stack", SINGLE)
def test_alarms_go_to_the_operators_and_the_host_recovers_itself(stack: str) -> None:
    resources = list(declared(stack))
    assert one(declared(stack), "sns/topicSubscription:TopicSubscription")["endpoint"] == (
        setting(stack, "alarmEmail")
    )
    alarms = {
        r.name.rsplit("-", 1)[1]: r.inputs for r in of_type(resources, "metricAlarm:MetricAlarm")
    }
    assert set(alarms) == {"recover", "status", "cpu", "disk"}
    assert alarms["recover"]["alarmActions"][0] == "arn:aws:automate:eu-west-1:ec2:recover"
    assert one(declared(stack), "dlm/lifecyclePolicy:LifecyclePolicy")["state"] == "ENABLED"


def test_the_entry_point_pulumi_runs_declares_the_same_stack() -> None:
    """`infra/__main__.py` itself, as `pulumi up` runs it (a script, not a module)."""
    recorder = Recorder()
    with event_loop():
        pulumi.runtime.set_mocks(recorder, project="courzly", stack="dev", preview=False)
        pulumi.runtime.set_all_config(as_runtime_config(stack_file("dev")))

        @pulumi.runtime.test
        def run() -> None:
            runpy.run_path(str(ROOT / "infra" / "__main__.py"), run_name="__main__")

        run()
    assert sorted((r.type, r.name) for r in recorder.resources) == sorted(
        (r.type, r.name) for r in declared("dev")
    )


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_serves_https_from_the_balancer_and_redirects_http(stack: str) -> None:
    resources = declared(stack)
    listeners = {
        r.inputs["port"]: r.inputs for r in of_type(list(resources), "lb/listener:Listener")
    }
    assert listeners[443]["protocol"] == "HTTPS"
    assert listeners[443]["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    redirect = {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert listeners[80]["defaultActions"] == [{"type": "redirect", "redirect": redirect}]
    alb = one(resources, "lb/loadBalancer:LoadBalancer")
    assert (alb["internal"], alb["dropInvalidHeaderFields"]) == (False, True)
    assert alb.get("enableDeletionProtection", False) is is_prod(stack)
    assert one(resources, "acm/certificate:Certificate")["domainName"] == setting(stack, "domain")


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_app_hosts_run_in_two_private_zones_from_a_hardened_template(stack: str) -> None:
    resources = declared(stack)
    group = one(resources, "autoscaling/group:Group")
    private = {r.name + "-id" for r in of_type(list(resources), "ec2/subnet:Subnet")
               if r.inputs["tags"]["tier"] == "private"}  # fmt: skip
    assert group["minSize"] >= 2
    assert set(group["vpcZoneIdentifiers"]) == private
    assert group["healthCheckType"] == "ELB"
    template = one(resources, "ec2/launchTemplate:LaunchTemplate")
    assert template["metadataOptions"]["httpTokens"] == "required"
    [disk] = template["blockDeviceMappings"]
    assert (disk["ebs"]["encrypted"], disk["ebs"]["volumeType"]) == ("true", "gp3")
    assert of_type(list(resources), "ec2/natGateway:NatGateway")  # private hosts reach out


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_postgres_and_redis_are_private_encrypted_and_kept(stack: str) -> None:
    resources = declared(stack)
    db = one(resources, "rds/instance:Instance")
    assert (db["engine"], db["engineVersion"], db["multiAz"]) == ("postgres", "15", True)
    assert db["storageEncrypted"] is True
    assert db["publiclyAccessible"] is False
    assert db["backupRetentionPeriod"] == 30
    assert db["manageMasterUserPassword"] is True
    assert "password" not in db  # RDS keeps it in Secrets Manager
    assert db.get("deletionProtection", False) is is_prod(stack)
    params = {
        p["name"]: p["value"]
        for p in one(resources, "rds/parameterGroup:ParameterGroup")["parameters"]
    }
    assert params["rds.force_ssl"] == "1"
    redis = one(resources, "elasticache/replicationGroup:ReplicationGroup")
    assert redis["engineVersion"].startswith("7")
    assert (redis["atRestEncryptionEnabled"], redis["transitEncryptionEnabled"]) == (True, True)
    assert (redis["numCacheClusters"], redis["automaticFailoverEnabled"]) == (2, True)
    assert redis["authToken"]


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_tiers_only_reach_the_next_one(stack: str) -> None:
    groups = {
        r.name.rsplit("-", 1)[1]: r.inputs
        for r in of_type(list(declared(stack)), "securityGroup:SecurityGroup")
    }
    assert {"alb", "app", "db", "cache"} <= set(groups)
    env = VARIANTS[stack][0]
    assert groups["app"]["ingress"][0]["securityGroups"] == [f"courzly-{env}-tier-alb-id"]
    assert groups["db"]["ingress"] == [
        {
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "securityGroups": [f"courzly-{env}-tier-app-id"],
            "description": "from the app hosts",
        }
    ]
    assert groups["cache"]["ingress"][0]["securityGroups"] == [f"courzly-{env}-tier-app-id"]
    assert (groups["db"]["egress"], groups["cache"]["egress"]) == ([], [])
    assert 22 not in {r["fromPort"] for r in groups["app"]["ingress"]} or not setting(
        stack, "ssmOnly"
    )


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_media_is_a_secure_bucket_the_app_role_may_use(stack: str) -> None:
    resources = declared(stack)
    env = VARIANTS[stack][0]
    assert one(resources, "s3/bucketVersioning:BucketVersioning", "-media-versioning")
    policy = json.loads(one(resources, "iam/rolePolicy:RolePolicy", "-backups")["policy"])
    media = {s["Sid"]: s for s in policy["Statement"] if s["Sid"].startswith("Media")}
    bucket = f"arn:aws:mock:::courzly-{env}-media-bucket"
    assert media["MediaObjects"]["Resource"] == [bucket, f"{bucket}/*"]
    assert media["MediaKey"]["Resource"] == f"arn:aws:mock:::courzly-{env}-media-key"
    assert not of_type(list(resources), "ec2/instance:Instance")  # no single host here


def test_with_a_zone_the_domain_points_at_the_host_or_the_balancer() -> None:
    [single] = [
        r.inputs for r in declared("dev-with-zone") if r.type.endswith("route53/record:Record")
    ]
    assert (single["name"], single["type"], single["records"]) == (
        "dev.courses.example.com", "A", ["198.51.100.7"]
    )  # fmt: skip
    records = {
        r.name: r.inputs for r in declared("prod-with-zone") if r.type.endswith("record:Record")
    }
    alias = records["courzly-prod-dns"]
    assert alias["aliases"][0]["name"] == "courzly-prod-edge-alb.elb.example"
    assert records["courzly-prod-edge-cert-validation"]["type"] == "CNAME"  # the certificate's
    assert of_type(
        list(declared("prod-with-zone")), "acm/certificateValidation:CertificateValidation"
    )
    assert not [r for r in declared("dev") if r.type.endswith("route53/record:Record")]


@pytest.mark.parametrize("stack", list(VARIANTS))
def test_prod_backups_are_replicated_to_another_region_and_no_other_stacks(stack: str) -> None:
    resources = declared(stack)
    replication = of_type(list(resources), "s3/bucketReplicationConfig:BucketReplicationConfig")
    if not is_prod(stack):
        assert replication == []
        return
    [config] = [r.inputs for r in replication]
    [rule] = config["rules"]
    assert (rule["status"], rule["deleteMarkerReplication"]) == ("Enabled", {"status": "Enabled"})
    assert rule["destination"]["bucket"] == "arn:aws:mock:::courzly-prod-backups-replica-bucket"
    [provider] = [r for r in resources if r.type == "pulumi:providers:aws"]
    assert provider.inputs["region"] == setting(stack, "replicaRegion") != "eu-west-1"
    replica_key = one(resources, "kms/key:Key", "-backups-replica-key")
    assert replica_key["enableKeyRotation"] is True


@pytest.mark.parametrize("stack", SCALED)
def test_scaled_alarms_watch_the_balancer_the_hosts_postgres_and_redis(stack: str) -> None:
    alarms = {
        r.inputs["metricName"]: r.inputs
        for r in of_type(list(declared(stack)), "metricAlarm:MetricAlarm")
    }
    assert set(alarms) == {
        "HTTPCode_Target_5XX_Count", "UnHealthyHostCount", "CPUUtilization",
        "FreeStorageSpace", "DatabaseMemoryUsagePercentage",
    }  # fmt: skip
    env = VARIANTS[stack][0]
    topic = f"arn:aws:mock:::courzly-{env}-alerts-alarms"
    assert all(a["alarmActions"] == [topic] == a["okActions"] for a in alarms.values())
    assert alarms["UnHealthyHostCount"]["dimensions"] == {
        "LoadBalancer": f"app/courzly-{env}-edge-alb/0123",
        "TargetGroup": f"app/courzly-{env}-edge-app/0123",
    }
    assert alarms["FreeStorageSpace"]["comparisonOperator"] == "LessThanThreshold"
