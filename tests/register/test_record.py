"""The record's versioning and events, the seed's demo records, postcode import, and the
migration, with the in-process app or the ``loket`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from loket import db
from loket.models import Association, AssociationEvent, Postcode
from loket.register import changes
from support.servers import make_provider


def test_each_change_raises_the_version_and_appends_an_event(app) -> None:
    with app.app_context():
        database = db.database(app)
        with database.transaction() as session:
            first = changes.register(session, {"naam": "Een"}, changes.SYSTEM)
            second = changes.register(session, {"naam": "Twee"}, changes.SYSTEM)
            assert (first.vcode, second.vcode) == ("V0001004", "V0001005")
            actor = changes.Actor("someone", "VER:V0001004", "site")
            changes.add_contact(session, first, {"type": "Website",
                                                 "waarde": "https://een.example"}, actor)
            changes.update_basics(session, first, {"korteNaam": "1"}, actor,
                                  activities=set(), areas=set())
            unchanged = changes.update_basics(session, first, {"korteNaam": "1"}, actor,
                                              activities=set(), areas=set())
            assert unchanged is None and first.version == 3
        with database.transaction() as session:
            events = list(session.scalars(select(AssociationEvent).order_by(AssociationEvent.seq)))
    seqs = [e.seq for e in events]
    assert seqs == list(range(1, len(seqs) + 1))
    mine = [(e.vcode, e.version, e.type, e.actor, e.capacity) for e in events[-4:]]
    assert mine == [
        ("V0001004", 1, "VerenigingWerdGeregistreerd", "system", None),
        ("V0001005", 1, "VerenigingWerdGeregistreerd", "system", None),
        ("V0001004", 2, "ContactgegevenWerdToegevoegd", "someone", "VER:V0001004"),
        ("V0001004", 3, "BasisgegevensWerdenGewijzigd", "someone", "VER:V0001004"),
    ]
    assert events[-1].data == {"gewijzigd": {"korteNaam": {"oud": None, "nieuw": "1"}}}


def test_a_stale_version_is_refused_before_anything_changes(app) -> None:
    with app.app_context(), db.database(app).transaction() as session:
        assoc = changes.begin(session, "v0001001", None)
        with pytest.raises(changes.StaleVersion) as exc:
            changes.begin(session, "V0001001", {assoc.version - 1})
        assert exc.value.current == assoc.version
        assert exc.value.headers["ETag"] == f'W/"{assoc.version}"'


def test_the_name_of_an_association_with_kbo_comes_from_the_kbo(app) -> None:
    from loket.register.validation import InvalidRecord

    with app.app_context(), db.database(app).transaction() as session:
        fcg = changes.find(session, "V0001001")
        with pytest.raises(InvalidRecord) as exc:
            changes.update_basics(session, fcg, {"naam": "Andere naam"}, changes.SYSTEM,
                                  activities=set(), areas=set())
        assert exc.value.first.field == "naam"
        schakel = changes.find(session, "V0001002")
        changes.update_basics(session, schakel, {"naam": "De Schakel vzw-loos"},
                              changes.SYSTEM, activities=set(), areas=set())
        assert schakel.naam == "De Schakel vzw-loos"


def test_the_seed_gives_rich_demo_records_and_stays_idempotent(app, tmp_path: Path) -> None:
    from loket import seed

    with app.app_context():
        database = db.database(app)
        with database.transaction() as session:
            fcg = changes.find(session, "V0001001")
            assert fcg.roepnaam == "De Groene Leeuwen" and fcg.kbo == "0456789133"
            assert [c.type for c in fcg.contacts] == ["E-mail", "Website", "Telefoon"]
            assert [loc.postcode for loc in fcg.locations] == ["9999", "9999"]
            assert fcg.representatives[0].telefoon == "+32 470 12 34 56"
            version = fcg.version
            events = session.scalar(select(AssociationEvent.seq).order_by(
                AssociationEvent.seq.desc()).limit(1))
        with database.transaction() as session:
            seed.seed_demo(session, tmp_path / "instance", allow_http_anywhere=True)
        with database.transaction() as session:
            assert changes.find(session, "V0001001").version == version
            assert session.scalar(select(AssociationEvent.seq).order_by(
                AssociationEvent.seq.desc()).limit(1)) == events
            assert {p.postcode for p in session.scalars(select(Postcode))} >= {"9999", "3999"}


def test_bulk_associations_are_registered_events_too(app) -> None:
    from loket import seed

    with app.app_context():
        database = db.database(app)
        with database.transaction() as session:
            seed.bulk_associations(session, 30)
        with database.transaction() as session:
            count = session.query(Association).count()
            registered = session.query(AssociationEvent).filter(
                AssociationEvent.type == "VerenigingWerdGeregistreerd").count()
            seqs = list(session.scalars(select(AssociationEvent.seq)
                                        .order_by(AssociationEvent.seq)))
    assert count == registered == 33
    assert seqs == list(range(1, len(seqs) + 1))


# ---- postcodes --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):
    return make_provider(tmp_path_factory.mktemp("postcodes"), start=False)


def _search(cli, **params: str):
    from loket import create_app

    application = create_app({"INSTANCE_PATH": str(cli.instance),
                              "DATABASE_URL": cli.database_url, "SECRET_KEY": "x" * 40})
    try:
        return application.test_client().get("/api/v1/associations", query_string=params)
    finally:
        db.database(application).dispose()


def test_postcodes_import_and_then_search_by_postcode(cli, tmp_path: Path) -> None:
    assert _search(cli, werkingsgebied="9000").status_code == 400
    listing = tmp_path / "postcodes.csv"
    listing.write_text("postcode;gemeente;plaats\n9000;Gent;Gent\n9030;gent;Mariakerke\n"
                       "9999;BE23999001;Groenbeek-Dorp\n3000;Leuven;Leuven\n", encoding="utf-8")
    result = cli.cli("reference", "import-postcodes", str(listing))
    assert "Imported 4 postcodes for 3 municipalities" in result.stdout
    assert "postcodes" in result.stderr  # the progress bar
    rows = {tuple(r) for r in cli.sql("SELECT postcode, werkingsgebied, plaats FROM postcodes")}
    assert {("9000", "BE23444021", "Gent"), ("9030", "BE23444021", "Mariakerke"),
            ("9999", "BE23999001", "Groenbeek-Dorp")} <= rows
    found = _search(cli, werkingsgebied="9030")
    assert found.status_code == 200
    assert found.get_json()["query"]["werkingsgebied"][0]["gevonden"] == [
        {"code": "BE23444021", "naam": "Gent"}]
    again = cli.cli("reference", "import-postcodes", str(listing))  # idempotent
    assert again.returncode == 0
    assert len(cli.sql("SELECT * FROM postcodes")) == len(rows)


@pytest.mark.parametrize("content, message", [
    ("", "empty"),
    ("zip,town\n9000,Gent\n", "header"),
    ("postcode,gemeente\n900,Gent\n", "line 2: postcode '900'"),
    ("postcode,gemeente\n9000,Gent\n9100,Atlantis\n", "line 3: gemeente 'Atlantis'"),
    ("postcode,gemeente\n", "no postcodes"),
])
def test_a_bad_postcode_file_changes_nothing(cli, tmp_path: Path, content: str,
                                             message: str) -> None:
    listing = tmp_path / "bad.csv"
    listing.write_text(content, encoding="utf-8")
    before = cli.sql("SELECT COUNT(*) FROM postcodes")[0][0]
    result = cli.cli("reference", "import-postcodes", str(listing), check=False)
    assert result.returncode == 1
    assert message in result.stderr and "(nothing changed)" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli.sql("SELECT COUNT(*) FROM postcodes")[0][0] == before


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_register_migration_goes_down_and_up_again(tmp_path: Path, backend: str) -> None:
    from contextlib import nullcontext

    from alembic import command

    from loket import migrate
    from support.servers import postgres_available, postgres_database

    if backend == "postgresql" and not postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
    context = postgres_database() if backend == "postgresql" else \
        nullcontext(f"sqlite:///{tmp_path / 'm.sqlite'}")
    with context as url:
        migrate.upgrade(url)
        command.downgrade(migrate.alembic_config(url), "0001_foundation")
        migrate.upgrade(url)
        engine = db.make_engine(url)
        try:
            assert migrate.is_current(engine, url)
        finally:
            engine.dispose()


# ---- the search index ---------------------------------------------------------------------

def _same(a, b) -> None:
    assert a.ids == b.ids and a.visible == b.visible
    assert {k: v for k, v in a.activities.items() if v} == \
        {k: v for k, v in b.activities.items() if v}
    assert {k: v for k, v in a.areas.items() if v} == {k: v for k, v in b.areas.items() if v}
    assert a.activities_of == b.activities_of and a.areas_of == b.areas_of


def test_the_search_index_follows_every_change_exactly(app) -> None:
    from loket.register import index

    search_index = index.SearchIndex()
    with app.app_context():
        database = db.database(app)
        with database.transaction() as session:
            first = search_index.current(session)
            assert first.seq > 0 and len(first.ids) == 3
        steps = [
            lambda s, a: changes.update_basics(s, a, {"hoofdactiviteiten": ["KECU"]},
                                               changes.SYSTEM, activities={"KECU"}, areas=set()),
            lambda s, a: changes.update_basics(s, a, {"isUitgeschrevenUitPubliekeDatastroom":
                                                      True}, changes.SYSTEM, activities=set(),
                                               areas=set()),
            lambda s, a: changes.update_basics(s, a, {"werkingsgebieden": ["BE24999002"]},
                                               changes.SYSTEM, activities=set(),
                                               areas={"BE24999002"}),
            lambda s, a: changes.register(s, {"naam": "Aaa nieuw"}, changes.SYSTEM),
            lambda s, a: changes.update_basics(s, a, {"naam": "Zzz hernoemd"}, changes.SYSTEM,
                                               activities=set(), areas=set()),
        ]
        for number, step in enumerate(steps):
            with database.transaction() as session:
                step(session, changes.find(session, "V0001002"))
            with database.transaction() as session:
                followed = search_index.current(session)
                fresh = index.build(session, followed.seq)
                _same(followed, fresh)
                assert followed.seq == session.scalar(select(AssociationEvent.seq).order_by(
                    AssociationEvent.seq.desc()).limit(1)), number
        with database.transaction() as session:
            assert changes.find(session, "V0001002").naam == "Zzz hernoemd"
            snap = search_index.current(session)
            schakel = snap.position(changes.find(session, "V0001002").id)
            assert schakel == len(snap.ids) - 1  # renamed: sorted last
            assert not snap.visible >> schakel & 1  # opted out
            assert snap.activities_of[schakel] == ("KECU",)


def test_bitset_positions() -> None:
    from loket.register.index import bitset, positions

    bits = bitset([0, 3, 8, 9, 700], 1000)
    assert list(positions(bits, 1000)) == [0, 3, 8, 9, 700]
    assert list(positions(bits, 1000, skip=3)) == [9, 700]
    assert list(positions(bits, 1000, skip=9)) == []
    assert list(positions(0, 0)) == []
