from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


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


COMPARISONS = {">=": "GreaterThanOrEqualToThreshold", ">": "GreaterThanThreshold"}


@dataclass(frozen=True)
class HostAlarmsArgs:
    instance_id: pulumi.Input[str]
    topic_arn: pulumi.Input[str]
    tags: Mapping[str, str]


class HostAlarms(pulumi.ComponentResource):
    """The host's own alarms: instance status check, CPU, and the disk of its data volume
    (reported by the CloudWatch agent the Ansible role installs)."""

    def __init__(
        self, name: str, args: HostAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:HostAlarms", name, None, opts)
        self._args, self._name = args, name
        self._alarm(
            "status",
            "Instance status check failed (the OS is not answering)",
            "AWS/EC2",
            "StatusCheckFailed_Instance",
            "Maximum",
            60,
            3,
            1,
            ">=",
        )
        self._alarm(
            "cpu",
            "CPU above 85% for 15 minutes",
            "AWS/EC2",
            "CPUUtilization",
            "Average",
            300,
            3,
            85,
            ">",
        )
        # Reported by the CloudWatch agent (Ansible role); no report is a problem too.
        self._alarm("disk", "Data volume more than 85% full",
                    "CWAgent", "disk_used_percent", "Maximum", 300, 2, 85, ">",
                    path="/srv/courzly")  # fmt: skip
        self.register_outputs({})

    def _alarm(
        self,
        label: str,
        description: str,
        namespace: str,
        metric: str,
        statistic: str,
        period: int,
        periods: int,
        threshold: float,
        above: str,
        **dimensions: str,
    ) -> None:
        args = self._args
        aws.cloudwatch.MetricAlarm(
            f"{self._name}-{label}",
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            dimensions={"InstanceId": args.instance_id, **dimensions},
            statistic=statistic,
            period=period,
            evaluation_periods=periods,
            threshold=threshold,
            comparison_operator=COMPARISONS[above],
            treat_missing_data="breaching" if namespace == "CWAgent" else "missing",
            alarm_actions=[args.topic_arn],
            ok_actions=[args.topic_arn],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
