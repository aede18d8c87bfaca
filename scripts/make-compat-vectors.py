#!/usr/bin/env python3
"""Makes the compatibility vectors of a schema release, once.

    python3 scripts/make-compat-vectors.py

Reads the release named by the newest `## <version>` heading of
`schema/CHANGELOG.md`, compiles `schema-baseline/` (the released schema) with
protoc, and writes seeded random instances of every message type, made by
python's `protobuf` (an independent implementation), to
`Tests/InteropTests/Vectors/compat/protection-<version>.json`: for each, its
type, its deterministic binary encoding and its canonical JSON. The tests
decode every vector of every release with today's generated code, so a schema
change that would break old callers fails by data as well as by rule.

Vectors of a release are made once and never change: the script refuses to
overwrite an existing file. It uses the same instance builder as
`make-python-vectors.py`.
"""

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "Tests" / "InteropTests" / "Vectors" / "compat"
SEEDS_PER_TYPE = 4


def load_builder():
    spec = importlib.util.spec_from_file_location("python_vectors", REPO / "scripts" / "make-python-vectors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def latest_release():
    text = (REPO / "schema" / "CHANGELOG.md").read_text(encoding="utf-8")
    m = re.search(r"^## (\d+\.\d+\.\d+)\b", text, re.MULTILINE)
    if not m:
        sys.exit("make-compat-vectors: schema/CHANGELOG.md names no release (a '## 1.2.3' heading)")
    return m.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--protoc", default="protoc")
    args = ap.parse_args()

    release = latest_release()
    out = OUT_DIR / f"protection-{release}.json"
    if out.exists():
        print(f"make-compat-vectors: {out.relative_to(REPO)} exists; vectors of a release are never remade",
              file=sys.stderr)
        return 1

    pv = load_builder()
    include = pv.find_include_dir(args.protoc)
    schema = pv.Schema("protection", "schema-baseline", "protection/v1", SEEDS_PER_TYPE)
    pv.load([schema], args.protoc, include)
    if not schema.messages:
        sys.exit("make-compat-vectors: schema-baseline/ holds no messages")
    vectors = pv.random_vectors(schema, SEEDS_PER_TYPE)
    protoc_version = subprocess.run([args.protoc, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    header = {
        "generator": "scripts/make-compat-vectors.py",
        "release": release,
        "schema_root": "schema-baseline",
        "python_protobuf": pv.google.protobuf.__version__,
        "protoc": protoc_version,
        "message_types": [d.full_name for d in schema.messages],
    }
    text = pv.render(header, vectors)
    json.loads(text)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {len(vectors)} vectors of {len(schema.messages)} message types to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
