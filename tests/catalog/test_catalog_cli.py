"""`loket catalog import/export` and `loket seed-demo --products`, run as commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.catalog import product
from support.servers import Provider, make_provider


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    yield make_provider(tmp_path_factory.mktemp("catalog-cli"), start=False)


def write(path: Path, records: list[dict[str, Any]], **top: Any) -> str:
    path.write_text(json.dumps({"format": "loket-catalog", "version": 1, "products": records,
                                **top}))
    return str(path)


def versions(cli: Provider) -> dict[str, tuple[int, int]]:
    rows = cli.sql("SELECT product_id, version, updated_at FROM catalog_products")
    return {r[0]: (r[1], r[2]) for r in rows}


def test_seeding_twice_changes_no_product_and_bulk_adds_products(cli: Provider) -> None:
    before = versions(cli)
    assert {"GB-SUB-SPORT", "VL-EVENEMENT-GEWESTWEG", "OVL-SUB-SPORTKAMP",
            "VBR-SUB-ERFGOED", "RS-SUB-NATUUR"} <= set(before)
    cli.cli("seed-demo")
    assert versions(cli) == before
    result = cli.cli("seed-demo", "--products", "250")
    assert "products" in result.stderr  # the progress bar
    after = versions(cli)
    assert len(after) == len(before) + 250
    cli.cli("seed-demo", "--products", "10")
    assert len(versions(cli)) == len(before) + 260


def test_generated_products_are_valid_records(cli: Provider) -> None:
    from loket.catalog.validation import parse_product

    areas = {r[0] for r in cli.sql("SELECT code FROM werkingsgebieden")}
    rows = cli.sql("SELECT data FROM catalog_products WHERE product_id LIKE 'GEN-%' LIMIT 200")
    assert rows
    for (data,) in rows:
        record = json.loads(data) if isinstance(data, str) else data
        assert parse_product(record, areas) == record


def test_export_then_import_round_trips(cli: Provider, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    cli.cli("catalog", "export", str(out), "--publisher", "catalog-groenbeek")
    document = json.loads(out.read_text())
    assert document["format"] == "loket-catalog" and document["version"] == 1
    assert {p["publisher"] for p in document["products"]} == {"catalog-groenbeek"}
    assert "GB-SUB-SPORT" in {p["id"] for p in document["products"]}
    result = cli.cli("catalog", "import", str(out))
    assert f"{len(document['products'])} unchanged" in result.stdout
    stdout = cli.cli("catalog", "export").stdout
    assert len(json.loads(stdout)["products"]) == len(versions(cli))


@pytest.mark.parametrize("records, extra, message", [
    ([{**product(), "id": "N-1"}], [], "record 0 (id N-1): publisher: missing"),
    ([{**product(), "id": "N-1", "publisher": "nobody"}], [], "no client 'nobody'"),
    ([{**product(), "id": "GB-SUB-SPORT"}], ["--publisher", "catalog-rivierstede"],
     "belongs to 'catalog-groenbeek'"),
    ([{**product(), "id": "N-1"}, {**product(), "id": "N-1"}], ["--publisher", "catalog-groenbeek"],
     "record 1 (id N-1): id: 'N-1' appears already in record 0"),
    ([{**product(), "id": "N-1"}, "not an object"], ["--publisher", "catalog-groenbeek"],
     "record 1: (record): a product must be a JSON object"),
    ([{**product(startDate="2025-13-01"), "id": "N-1"}], ["--publisher", "catalog-groenbeek"],
     "record 0 (id N-1): startDate"),
])
def test_import_problems_name_record_and_field(cli: Provider, tmp_path: Path,
                                               records: list[Any], extra: list[str],
                                               message: str) -> None:
    before = versions(cli)
    result = cli.cli("catalog", "import", write(tmp_path / "in.json", records), *extra,
                     check=False)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "nothing was imported" in result.stderr
    assert versions(cli) == before


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not JSON: "),
    ('[{"id": "x"}]', '"products"'),
    ('{"format": "other", "products": []}', "format must be"),
])
def test_unreadable_files_are_refused_clearly(cli: Provider, tmp_path: Path, content: str,
                                              message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli.cli("catalog", "import", str(path), check=False)
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    missing = cli.cli("catalog", "import", str(tmp_path / "missing.json"), check=False)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr


def test_import_with_default_publisher(cli: Provider, tmp_path: Path) -> None:
    path = write(tmp_path / "ok.json", [{**product(), "id": "CLI-1"}])
    result = cli.cli("catalog", "import", path, "--publisher", "catalog-groenbeek")
    assert "1 created" in result.stdout
    rows = cli.sql("SELECT publisher FROM catalog_products WHERE product_id = 'CLI-1'")
    assert rows[0][0] == "catalog-groenbeek"
    assert cli.cli("audit", "verify").returncode == 0
