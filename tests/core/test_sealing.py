"""Sealed secrets: they open with the key that sealed them, in their own context only, and
survive a key rotation."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.config import Settings
from app.core.sealing import Sealer, SealError, sealer_for

OLD = "old-key-0123456789abcdefghijklmnopqrstuvwxyz"
NEW = "new-key-zyxwvutsrqponmlkjihgfedcba9876543210"


def test_a_sealed_value_opens_in_its_context_and_hides_the_plain_text() -> None:
    sealer = Sealer(NEW)
    sealed = sealer.seal("whsec_top-secret", "webhook:1")
    assert "top-secret" not in sealed
    assert sealer.open(sealed, "webhook:1") == "whsec_top-secret"
    assert sealer.seal("same", "c") != sealer.seal("same", "c")  # fresh nonce each time
    with pytest.raises(SealError, match="does not open"):
        sealer.open(sealed, "webhook:2")


def test_tampering_and_garbage_are_refused() -> None:
    sealer = Sealer(NEW)
    sealed = sealer.seal("value", "ctx")
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(SealError):
        sealer.open(flipped, "ctx")
    with pytest.raises(SealError, match="not a sealed value"):
        sealer.open("plain text", "ctx")


def test_rotation_keeps_old_values_readable_and_seals_with_the_new_key() -> None:
    old_sealed = Sealer(OLD).seal("token", "drive:7")
    rotated = Sealer(NEW, previous=OLD)
    assert rotated.open(old_sealed, "drive:7") == "token"
    assert not rotated.is_current(old_sealed)
    assert rotated.is_current(rotated.seal("token", "drive:7"))
    with pytest.raises(SealError, match="not configured"):
        Sealer(NEW).open(old_sealed, "drive:7")


def test_development_generates_one_key_for_every_process(
    settings: Settings, tmp_path: Path
) -> None:
    dev = settings.model_copy(update={"encryption_key": None, "data_dir": tmp_path})
    sealers: list[Sealer] = []
    threads = [threading.Thread(target=lambda: sealers.append(sealer_for(dev))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sealed = sealers[0].seal("shared", "ctx")
    assert all(s.open(sealed, "ctx") == "shared" for s in sealers)
    assert (tmp_path / "encryption_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["encryption_key"]


def test_a_configured_key_is_used_as_is(settings: Settings, tmp_path: Path) -> None:
    configured = settings.model_copy(
        update={"encryption_key": SecretStr(NEW), "data_dir": tmp_path}
    )
    assert Sealer(NEW).open(sealer_for(configured).seal("x", "c"), "c") == "x"
    assert not (tmp_path / "encryption_key").exists()
