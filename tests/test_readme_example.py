"""The README's worked example (signed approvals, approver policy, gate, verify with a required
policy digest) runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_worked_example_runs(tmp_path):
    text = README.read_text()
    block = re.search(r"<!-- worked-example:start -->\n```sh\n(.*?)```\n<!-- worked-example:end -->", text, re.S)
    assert block, "README lost its worked example"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block.group(1)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verdict accepted" in result.stdout
    assert "verdict rejected" in result.stdout and "required sha256:" in result.stdout
