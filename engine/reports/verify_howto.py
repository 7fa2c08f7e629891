"""How a reader checks a verdict without trusting the report: the steps and a self-contained
script (only the `cryptography` package), printed in the report itself so that a regulator who
has the report, the verdict file and the publisher's public key needs nothing else."""

from __future__ import annotations

STEPS = (
    "Obtain the verdict file named above, the publisher's public key (PEM) through a channel you trust, "
    "and the released artifact.",
    "The verdict is a DSSE envelope: its signature is over \"DSSEv1\" SP len(payloadType) SP payloadType "
    "SP len(payload) SP payload (lengths in decimal), with Ed25519 or ECDSA P-256/SHA-256.",
    "Its payload (base64) is an in-toto Statement; the artifact's sha256 must be one of its subjects, "
    "and the predicate's verificationResult, validity and findings are what this report shows.",
    "With mlgov installed: mlgov verify VERDICT --key PUBLIC_KEY.pem --artifact ARTIFACT --require-pass. "
    "Without mlgov, run the script below (python3 check.py VERDICT PUBLIC_KEY.pem ARTIFACT).",
)

SCRIPT = '''import base64, hashlib, json, sys
from datetime import datetime, timezone
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

def check(verdict_path, public_key_path, artifact_path):
    env = json.load(open(verdict_path))
    assert env["payloadType"] == "application/vnd.in-toto+json", "wrong payload type"
    payload = base64.b64decode(env["payload"])
    t = env["payloadType"].encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)
    key = serialization.load_pem_public_key(open(public_key_path, "rb").read())
    def ok(sig):
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(sig, pae)
            else:
                key.verify(sig, pae, ec.ECDSA(hashes.SHA256()))
            return True
        except Exception:
            return False
    assert any(ok(base64.b64decode(s["sig"])) for s in env["signatures"]), "bad signature"
    stmt = json.loads(payload)
    assert stmt["predicateType"] == "https://mlgov.dev/attestations/compliance-verdict/v1"
    digest = hashlib.sha256(open(artifact_path, "rb").read()).hexdigest()
    assert digest in {s["digest"]["sha256"] for s in stmt["subject"]}, "artifact is not a subject"
    p = stmt["predicate"]
    now = datetime.now(timezone.utc)
    assert datetime.fromisoformat(p["validity"]["not_after"].replace("Z", "+00:00")) > now, "expired"
    print(p["verificationResult"], "-", p["decision"]["reason"])
    return p["verificationResult"] == "PASSED"

if __name__ == "__main__":
    sys.exit(0 if check(*sys.argv[1:4]) else 1)
'''
