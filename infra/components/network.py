from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class NetworkArgs:
    availability_zones: Sequence[str]  # the first two are used
    tags: Mapping[str, str]
    cidr: str = "10.20.0.0/16"
    nat: bool = False  # private subnets reach out through a NAT gateway (scaled only)


class Network(pulumi.ComponentResource):
    """A VPC with a public and a private subnet in each of two availability zones."""

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("courzly:infra:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zones = list(args.availability_zones)[:2]
        if len(zones) < 2:
            raise ValueError("the region must offer at least two availability zones")
        blocks = list(ipaddress.ip_network(args.cidr).subnets(new_prefix=24))
        tags = dict(args.tags)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": f"{name}-vpc"},
            opts=child,
        )
        gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags={**tags, "Name": f"{name}-igw"}, opts=child
        )
        public_routes = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags={**tags, "Name": f"{name}-public"},
            opts=child,
        )
        self.public_subnets: list[aws.ec2.Subnet] = []
        self.private_subnets: list[aws.ec2.Subnet] = []
        for index, zone in enumerate(zones):
            public = aws.ec2.Subnet(
                f"{name}-public-{index + 1}",
                vpc_id=self.vpc.id,
                cidr_block=str(blocks[index]),
                availability_zone=zone,
                map_public_ip_on_launch=False,  # public addresses are Elastic IPs, chosen
                tags={**tags, "Name": f"{name}-public-{index + 1}", "tier": "public"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index + 1}",
                subnet_id=public.id,
                route_table_id=public_routes.id,
                opts=child,
            )
            private = aws.ec2.Subnet(
                f"{name}-private-{index + 1}",
                vpc_id=self.vpc.id,
                cidr_block=str(blocks[10 + index]),
                availability_zone=zone,
                tags={**tags, "Name": f"{name}-private-{index + 1}", "tier": "private"},
                opts=child,
            )
            self.public_subnets.append(public)
            self.private_subnets.append(private)

        private_routes: list[aws.ec2.RouteTableRouteArgs] = []
        if args.nat:
            address = aws.ec2.Eip(
                f"{name}-nat", domain="vpc", tags={**tags, "Name": f"{name}-nat"}, opts=child
            )
            nat = aws.ec2.NatGateway(
                f"{name}-nat",
                allocation_id=address.id,
                subnet_id=self.public_subnets[0].id,
                tags={**tags, "Name": f"{name}-nat"},
                opts=child,
            )
            private_routes = [
                aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
            ]
        private_table = aws.ec2.RouteTable(
            f"{name}-private",
            vpc_id=self.vpc.id,
            routes=private_routes,
            tags={**tags, "Name": f"{name}-private"},
            opts=child,
        )
        for index, subnet in enumerate(self.private_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index + 1}",
                subnet_id=subnet.id,
                route_table_id=private_table.id,
                opts=child,
            )
        self.register_outputs({"vpc_id": self.vpc.id})
