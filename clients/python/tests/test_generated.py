"""The committed generated modules are what proto/ generates today."""

import filecmp
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "seedance_client", "_generated")
SCRIPT = os.path.join(os.path.dirname(HERE), "generate_stubs.sh")


def differences(left, right):
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [os.path.join(left, name) for name in
             compared.left_only + compared.right_only + compared.diff_files]
    for sub in compared.common_dirs:
        found += differences(os.path.join(left, sub), os.path.join(right, sub))
    return found


@pytest.mark.skipif(not os.path.exists(SCRIPT) or shutil.which("protoc") is None,
                    reason="needs the repository's proto/ and protoc")
def test_the_committed_modules_are_up_to_date(tmp_path):
    out = tmp_path / "generated"
    subprocess.run([SCRIPT, str(out)], check=True)
    assert differences(PACKAGE, str(out)) == [], (
        "the committed modules differ from proto/: run clients/python/generate_stubs.sh")
