"""`muster watchlist import|list` and `muster rescreen` through Typer's CliRunner on a temporary data dir."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muster.bootstrap import build
from muster.config import Settings
from muster.domain.jobs import JobKind, JobStatus
from muster.cli import _mount, app
from tests.factories import valid_answers

_mount()

FIXTURES = Path(__file__).resolve().parents[2] / "integration" / "screening_fixtures"


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    env = {"MUSTER_DATA_DIR": str(tmp_path), "MUSTER_DEMO": "0"}

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], env=env)

    return invoke


def versions(run):
    """(current?, list, version) per line of `muster watchlist list`."""
    found = [re.match(r"([* ]) (\S+)\s+v(\d+)", line) for line in run("watchlist", "list").output.splitlines()]
    return [(m.group(1) == "*", m.group(2), int(m.group(3))) for m in found if m]


class TestImport:
    def test_import_reports_counts_and_lists_versions(self, run):
        first = run("watchlist", "import", "sanctions", FIXTURES / "list_v1.csv")
        assert first.exit_code == 0, first.output
        assert "2 entries" in first.output and "imported sanctions version 1" in first.output
        second = run("watchlist", "import", "sanctions", FIXTURES / "list_v2.csv")
        assert second.exit_code == 0 and "version 2" in second.output
        assert versions(run) == [(True, "sanctions", 2), (False, "sanctions", 1)]

    def test_rejected_rows_are_reported_with_their_lines(self, run):
        result = run("watchlist", "import", "sanctions", FIXTURES / "with_bad_rows.csv")
        assert result.exit_code == 0, result.output
        assert "rejected  line 3: empty name" in result.output
        assert "rejected  line 4: birth_date '19xx'" in result.output
        assert "duplicate line 5" in result.output

    @pytest.mark.parametrize("broken, options", [
        ("broken_header.csv", ()),
        ("with_bad_rows.csv", ("--strict",)),
        ("missing.csv", ()),
    ])
    def test_a_failed_import_leaves_the_previous_version_current(self, run, tmp_path, broken, options):
        assert run("watchlist", "import", "sanctions", FIXTURES / "list_v1.csv").exit_code == 0
        failed = run("watchlist", "import", "sanctions", FIXTURES / broken, *options)
        assert failed.exit_code == 2
        assert "nothing was imported" in failed.output
        assert versions(run) == [(True, "sanctions", 1)]
        container = build(Settings(data_dir=tmp_path, demo=False))
        try:
            [current] = container.screening.current()
            with container.uow() as uow:
                assert [e.id for e in uow.watchlists.entries(current.id)] == ["W1", "W2"]
        finally:
            container.close()

    def test_a_bad_list_name_is_refused(self, run):
        result = run("watchlist", "import", "bad name!", FIXTURES / "list_v1.csv")
        assert result.exit_code == 2 and "list_name" in result.output


class TestRescreen:
    def test_an_import_rescreens_the_pipeline_in_the_foreground(self, run, tmp_path):
        assert run("init").exit_code == 0
        container = build(Settings(data_dir=tmp_path, demo=False))
        try:
            container.intake.submit(valid_answers(family_name="Королёв", given_name="Олег", patronymic="Викторович",
                                                  name_latin="Oleg Korolev", birth_date="1985-01-20"))
            container.intake.submit(valid_answers())
        finally:
            container.close()
        assert "0 new hits" in run("watchlist", "import", "sanctions", FIXTURES / "list_v1.csv").output
        result = run("watchlist", "import", "sanctions", FIXTURES / "list_v2.csv")
        assert result.exit_code == 0, result.output
        assert "re-screened 2 applications against sanctions@2: 1 new hits" in result.output
        again = run("rescreen")
        assert again.exit_code == 0 and "re-screened 2 applications against sanctions@2: 0 new hits" in again.output
        container = build(Settings(data_dir=tmp_path, demo=False))
        try:
            with container.uow() as uow:
                job = uow.jobs.latest(JobKind.RESCREEN)
            assert job.status is JobStatus.DONE and job.done == job.total == 2
        finally:
            container.close()

    def test_no_rescreen_queues_the_job_for_the_server(self, run, tmp_path):
        result = run("watchlist", "import", "sanctions", FIXTURES / "list_v1.csv", "--no-rescreen")
        assert result.exit_code == 0 and "queued" in result.output
        container = build(Settings(data_dir=tmp_path, demo=False))
        try:
            with container.uow() as uow:
                assert uow.jobs.latest(JobKind.RESCREEN).status is JobStatus.QUEUED
        finally:
            container.close()


IMPORTER_FIXTURES = Path(__file__).resolve().parents[2] / "integration" / "importers" / "fixtures"


class TestOtherFormats:
    def test_followthemoney_and_ofac_lists_import_with_their_reports(self, run):
        ftm = run("watchlist", "import", "opensanctions", IMPORTER_FIXTURES / "entities.ftm.jsonl", "--format", "ftm")
        assert ftm.exit_code == 0, ftm.output
        assert "rejected  line 8: not a JSON object" in ftm.output and "imported opensanctions version 1" in ftm.output
        ofac = run("watchlist", "import", "ofac", IMPORTER_FIXTURES / "sdn.csv", "--format", "ofac",
                   "--alt", IMPORTER_FIXTURES / "alt.csv")
        assert ofac.exit_code == 0, ofac.output
        assert "alt.csv: no sdn.csv entry 5555" in ofac.output and "imported ofac version 1" in ofac.output
        assert "against ofac@1, opensanctions@1" in ofac.output  # the re-screen uses every current list
        assert versions(run) == [(True, "ofac", 1), (True, "opensanctions", 1)]

    def test_alt_goes_with_ofac_only(self, run):
        result = run("watchlist", "import", "x", IMPORTER_FIXTURES / "sdn.csv", "--alt", IMPORTER_FIXTURES / "alt.csv")
        assert result.exit_code == 2 and "--alt goes with --format ofac only" in result.output
