"""Sign the example bundles' approvals with the TEST-ONLY keys in fixtures/approvers/keys/.

Reads fixtures/approvers/example-approvals.yaml and writes
fixtures/bundles/<bundle>/approvals/<key>.approval.json. Run after changing a bundle: an
approval is bound to the release record's content digest. Usage: python scripts/sign_example_approvals.py
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from mlgov import normalize
from mlgov.document.digest import content_digest
from mlgov.signing import approval
from mlgov.signing.keys import load_signer
from mlgov.timeutil import to_datetime
from mlgov.verdict.attest import subjects as released

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"


def main() -> None:
    spec = yaml.safe_load((FIX / "approvers" / "example-approvals.yaml").read_text())
    policy = yaml.safe_load((FIX / "approvers" / "TEST-ONLY-approvers.yaml").read_text())
    people = {Path(p["keys"][0]["public_key"]).name.removesuffix(".pub.pem"): p for p in policy["approvers"]}
    for bundle, entries in spec.items():
        root = FIX / "bundles" / bundle
        with tempfile.TemporaryDirectory() as tmp:  # the record as approved: without the approvals
            copy = Path(tmp) / bundle
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("approvals"))
            manifest = yaml.safe_load((copy / "mlgov.yaml").read_text())
            manifest["metadata"] = [m for m in manifest.get("metadata", [])
                                    if not str(m if isinstance(m, str) else m["path"]).startswith("approvals/")]
            (copy / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
            document = normalize([copy])
        (root / "approvals").mkdir(exist_ok=True)
        for e in entries:
            person = people[e["key"]]
            key_file = FIX / "approvers" / "keys" / f"{e['key']}.pem"
            os.chmod(key_file, 0o600)  # git checks keys out world-readable; the signer refuses that
            signer = load_signer(key_file)
            subjects = ([{"name": s["name"], "digest": {"sha256": s["sha256"]}} for s in e["subjects"]]
                        if "subjects" in e else released(document))
            who = {k: person[k] for k in ("name", "email", "team")}
            stmt = approval.statement(subjects, who, signer.keyid, e["role"], e["decision"], e["meaning"],
                                      to_datetime(e["signed"], "spec", None), document["document_id"],
                                      content_digest(document),
                                      to_datetime(e["expires"], "spec", None) if "expires" in e else None,
                                      e.get("conditions"))
            out = root / "approvals" / f"{e['key']}.approval.json"
            out.write_text(json.dumps(approval.sign(stmt, signer), indent=2) + "\n")
            print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
