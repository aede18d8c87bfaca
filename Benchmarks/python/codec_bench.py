#!/usr/bin/env python3
"""python's protobuf (upb) on the codec subjects, in the units of the Swift run.

    python3 python/codec_bench.py --schema ../schema NAME=FILE ...

Each FILE holds a message's binary encoding made by our codec; the first
subject is a protection.v1.Complaint, the others a ListComplaintsResponse
(a page of complaints). Prints a JSON object: "<name> encode" and
"<name> decode" to the median ns per operation over repeats. Encoding is
deterministic (sorted map keys), as every peer's is in the Swift run;
decoding parses the bytes (upb parses eagerly).
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf import duration_pb2, timestamp_pb2  # noqa: F401  (registers the well-known types)

TYPES = ["protection.v1.Complaint", "protection.v1.ListComplaintsResponse"]


def load(schema):
    files = sorted(str(p.relative_to(schema)) for p in Path(schema).rglob("*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "schema.pb"
        subprocess.run(["protoc", f"-I{schema}", "-I/usr/include", "--include_imports",
                        f"--descriptor_set_out={out}"] + files, check=True)
        fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    pool = descriptor_pool.Default()
    for f in fds.file:
        if not f.name.startswith("google/protobuf/"):
            pool.Add(f)
    return {t: message_factory.GetMessageClass(pool.FindMessageTypeByName(t)) for t in TYPES}


def measure(fn, repeats=9, batch_ns=60_000_000):
    n = 1
    while True:
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        e = time.perf_counter_ns() - t
        if e > batch_ns / 4:
            n = max(1, int(n * batch_ns / e))
            break
        n *= 2
    samples = []
    for _ in range(repeats):
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter_ns() - t) / n)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("subjects", nargs="+")
    args = ap.parse_args()
    classes = load(args.schema)
    results = {}
    for i, spec in enumerate(args.subjects):
        name, path = spec.split("=", 1)
        data = Path(path).read_bytes()
        cls = classes[TYPES[0] if i == 0 else TYPES[1]]
        msg = cls.FromString(data)
        if msg.SerializeToString(deterministic=True) != data:
            print(f"python writes other bytes for {name}", file=sys.stderr)
            return 1
        results[f"{name} encode"] = measure(lambda: msg.SerializeToString(deterministic=True))
        results[f"{name} decode"] = measure(lambda: cls.FromString(data))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
