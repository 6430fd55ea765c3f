from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

COMPARISONS = {">=": "GreaterThanOrEqualToThreshold", ">": "GreaterThanThreshold",
               "<": "LessThanThreshold"}  # fmt: skip


@dataclass(frozen=True)
class AlertsArgs:
    email: str
    tags: Mapping[str, str]


class Alerts(pulumi.ComponentResource):
    """Where alarms go: an encrypted SNS topic with the operators' e-mail subscribed (AWS
    sends a confirmation message first)."""

    def __init__(
        self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:Alerts", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(
            f"{name}-alarms",
            kms_master_key_id="alias/aws/sns",
            tags=dict(args.tags),
            opts=child,
        )
        aws.sns.TopicSubscription(
            f"{name}-email", topic=self.topic.arn, protocol="email", endpoint=args.email, opts=child
        )
        self.register_outputs({"topic_arn": self.topic.arn})


@dataclass(frozen=True)
class Metric:
    """One alarm: `metric` of `namespace` for `dimensions`, `above` the threshold (or below,
    with "<") for `periods` periods of `period` seconds."""

    label: str
    description: str
    namespace: str
    metric: str
    dimensions: Mapping[str, pulumi.Input[str]]
    statistic: str
    threshold: float
    above: str = ">"
    period: int = 300
    periods: int = 2
    missing: str = "missing"  # what no data means; "breaching" when silence is a problem


class Alarms(pulumi.ComponentResource):
    """A set of CloudWatch alarms, each telling the topic when it fires and when it clears."""

    def __init__(
        self,
        name: str,
        topic_arn: pulumi.Input[str],
        metrics: list[Metric],
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("courzly:infra:Alarms", name, None, opts)
        for metric in metrics:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{metric.label}",
                alarm_description=metric.description,
                namespace=metric.namespace,
                metric_name=metric.metric,
                dimensions=dict(metric.dimensions),
                statistic=metric.statistic,
                period=metric.period,
                evaluation_periods=metric.periods,
                threshold=metric.threshold,
                comparison_operator=COMPARISONS[metric.above],
                treat_missing_data=metric.missing,
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                tags=dict(tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({})


def host_metrics(instance_id: pulumi.Input[str]) -> list[Metric]:
    """The single host: status check, CPU, and its data volume's disk (reported by the
    CloudWatch agent the Ansible role installs: no report is a problem too)."""
    on = {"InstanceId": instance_id}
    return [
        Metric("status", "Instance status check failed (the OS is not answering)", "AWS/EC2",
               "StatusCheckFailed_Instance", on, "Maximum", 1, ">=", period=60, periods=3),
        Metric("cpu", "CPU above 85% for 15 minutes", "AWS/EC2", "CPUUtilization", on,
               "Average", 85, periods=3),
        Metric("disk", "Data volume more than 85% full", "CWAgent", "disk_used_percent",
               {**on, "path": "/srv/courzly"}, "Maximum", 85, missing="breaching"),
    ]  # fmt: skip


def scaled_metrics(
    balancer: pulumi.Input[str],
    targets: pulumi.Input[str],
    database: pulumi.Input[str],
    cache: pulumi.Input[str],
) -> list[Metric]:
    """The scaled profile: the load balancer and its hosts, PostgreSQL and Redis."""
    alb = {"LoadBalancer": balancer}
    return [
        Metric("alb-5xx", "More than 10 server errors from the app in 5 minutes",
               "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", alb, "Sum", 10, periods=1,
               missing="notBreaching"),
        Metric("unhealthy-hosts", "An app host failing its health checks for 10 minutes",
               "AWS/ApplicationELB", "UnHealthyHostCount", {**alb, "TargetGroup": targets},
               "Maximum", 0),
        Metric("db-cpu", "PostgreSQL CPU above 80% for 15 minutes", "AWS/RDS",
               "CPUUtilization", {"DBInstanceIdentifier": database}, "Average", 80, periods=3),
        Metric("db-storage", "PostgreSQL has less than 5 GB free", "AWS/RDS",
               "FreeStorageSpace", {"DBInstanceIdentifier": database}, "Minimum", 5 * 1024**3,
               "<"),
        Metric("redis-memory", "Redis memory above 85%", "AWS/ElastiCache",
               "DatabaseMemoryUsagePercentage", {"ReplicationGroupId": cache}, "Maximum", 85),
    ]  # fmt: skip
