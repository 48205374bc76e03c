"""The generated reference docs must match the code; regenerate with scripts/gen_docs.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestDocs:
    def test_every_setting_is_documented(self):
        from muster.config import Settings

        text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
        for name in Settings.model_fields:
            assert f"`MUSTER_{name.upper()}`" in text, name
        assert text == _gen().settings_markdown()

    def test_every_setting_is_in_the_readme_table(self):
        from muster.config import Settings

        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        for name in Settings.model_fields:
            assert f"`MUSTER_{name.upper()}`" in readme, name

    def test_cli_reference_is_current(self):
        text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
        assert text == _gen().cli_markdown()
