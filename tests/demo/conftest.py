"""The demo: provider on 127.0.0.1, Groenbeek on 127.0.0.2, Rivierstede on 127.0.0.3."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.demo import Demo, running_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with running_demo(tmp_path_factory.mktemp("demo")) as running:
        yield running
