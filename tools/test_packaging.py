"""crm_kbe installs the way OCA addons do, as a Python distribution built by whool
(``pip install ./crm_kbe``): run by ``./kbe test`` with the linters."""

import ast
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "crm_kbe"


def test_wheel_carries_the_addon_and_its_odoo_dependency(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(ADDON)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [wheel] = tmp_path.glob("odoo_addon_crm_kbe-*.whl")
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_crm_kbe-{manifest['version']}"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [metadata_name] = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    assert metadata["Name"] == "odoo-addon-crm_kbe"
    assert "odoo==18.0.*" in metadata.get_all("Requires-Dist"), metadata.get_all("Requires-Dist")
    # every file the manifest loads, the translations and the assets are in the package
    for path in [*manifest["data"], *manifest["demo"], "i18n/id.po", "i18n/crm_kbe.pot", "static/description/icon.png"]:
        assert f"odoo/addons/crm_kbe/{path}" in names, path
