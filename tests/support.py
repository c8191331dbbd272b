"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from vendor_ms.access.caller import local_admin

REPO = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO / "contracts"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def import_examples(*names: str) -> None:
    """Import contract documents from contracts/ (all of them when no names are given)."""
    from vendor_ms.contracts.service import import_document
    from vendor_ms.domain.contract import parse_toml

    files = [CONTRACTS_DIR / f"{n}.toml" for n in names] if names else sorted(CONTRACTS_DIR.glob("*.toml"))
    for file in files:
        await import_document(local_admin(), parse_toml(file.read_text(encoding="utf-8")))
