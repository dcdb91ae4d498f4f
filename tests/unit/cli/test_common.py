"""The shared parent parsers and argument types of every command (usage errors through them: test_main.py)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "localhost:8786", "tls://[::1]:8786"])
def test_scheduler_addresses_dask_accepts_pass_the_check(address):
    from alloava_analysis.cli.common import scheduler_address

    assert scheduler_address(address) == address
