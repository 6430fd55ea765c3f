"""A tiny element builder for manifests, written with the prefixes the specs show.

Tags and attributes are given as `prefix:name` and the root declares each prefix with an
`xmlns:prefix` attribute. ElementTree would otherwise invent `ns0:` prefixes (or need
process-wide `register_namespace` calls), and some LMS importers match the conventional
prefixes (`adlcp:`, `imsss:`) textually rather than by namespace.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

XSI = "http://www.w3.org/2001/XMLSchema-instance"

Child = ET.Element | Iterable[ET.Element] | None


def el(
    tag: str,
    attributes: Mapping[str, str | None] | None = None,
    *children: Child,
    text: str | None = None,
) -> ET.Element:
    """An element; `None` attributes and children are left out, iterables are flattened."""
    element = ET.Element(tag, {k: v for k, v in (attributes or {}).items() if v is not None})
    element.text = text
    for child in children:
        if child is None:
            continue
        if isinstance(child, ET.Element):
            element.append(child)
        else:
            element.extend(child)
    return element


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()
