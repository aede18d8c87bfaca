#!/usr/bin/env python3
"""Generates interop vectors for our proto3 JSON and binary codecs from python's
`protobuf` (upb), an independent implementation.

    python3 scripts/make-python-vectors.py            # writes the vectors file
    python3 scripts/make-python-vectors.py --check    # exits 1 when it is stale
    python3 scripts/make-python-vectors.py -n 10      # fewer seeds per type

Both schema roots (`schema/` for protection.v1, `Tests/Support/schema/` for
conformance.v1) are compiled with `protoc --descriptor_set_out --include_imports`;
the descriptors are loaded into python's default descriptor pool (the
well-known types are already there from their `*_pb2` modules) and message
classes come from `message_factory.GetMessageClass`. For every message type
(nested ones included; map entries and google.protobuf.* excluded) N seeded
random instances are built field by field, and for each we record

    type              full proto name
    seed              the seed (the RNG is random.Random("<type>#<seed>"))
    json              json_format.MessageToJson(msg, indent=None, ensure_ascii=False)
                      (canonical: lowerCamelCase / json_name keys, fields without
                      presence at their default omitted), with map objects
                      re-ordered by key (python's map order follows upb's
                      address-seeded hash and changes from run to run)
    json_proto_names  true for the second form of some seeds, printed with
                      preserving_proto_field_name=True (and python's default
                      ensure_ascii=True, so non-ASCII text arrives as \\u escapes)
    binary            base64 of msg.SerializeToString(deterministic=True), with
                      each map field's entries re-ordered into ascending key order
                      (upb's own order is not ascending; see sorted_maps)
    has_nan           present (true) when some float/double value is NaN, so
                      value equality (NaN != NaN) cannot be used for that vector

Hand-written vectors (`input_only: true`, with a `note`) hold JSON inputs that
are valid but not canonical (numbers for int64, strings for int32, enum
numbers, URL-safe unpadded base64, time zone offsets, nulls, ...); their
binary is what python parses them to.

Output is deterministic: re-running with the same python protobuf and protoc
produces identical bytes. Requires python3 (stdlib) and `protobuf`, plus protoc
with the well-known .proto files on an include path (/usr/include on Debian).
"""

import argparse
import base64
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import google.protobuf
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import FieldDescriptor as FD
from google.protobuf.internal import api_implementation

# Imported for their side effect: they register the well-known types in the
# default pool, which the schema files are then added to.
from google.protobuf import (  # noqa: F401
    any_pb2,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    struct_pb2,
    timestamp_pb2,
    wrappers_pb2,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "Tests" / "InteropTests" / "Vectors" / "python-vectors.json"

# (schema name, include root relative to the repo, folder of its files under the root,
#  default seeds per message type). The protection schema has many message types,
# so it gets fewer seeds to keep the file well under 2 MB.
SCHEMAS = [
    ("conformance", "Tests/Support/schema", "conformance/v1", 40),
    ("protection", "schema", "protection/v1", 10),
]

MAX_DEPTH = 3  # top level is depth 0; messages nest at most this deep
MAX_REPEATED = 3
PROTO_NAME_EVERY = 5  # seeds with seed % 5 == 1 also get the proto-names form

TIMESTAMP_MIN = -62135596800  # 0001-01-01T00:00:00Z
TIMESTAMP_MAX = 253402300799  # 9999-12-31T23:59:59Z
DURATION_MAX = 315576000000  # 10000 years

WRAPPERS = {
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
}
# Well-known types whose JSON is not an object of their fields.
JSON_LEAF_WKTS = WRAPPERS | {
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "google.protobuf.FieldMask",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.Any",
}
# Well-known types that nest (their depth is limited like that of the schema's messages).
NESTING_WKTS = {
    "google.protobuf.Any",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
}
# A Value without a kind prints as null and reads back as a null value, so every
# generated Value gets a kind.
ALWAYS_FILLED = {"google.protobuf.Value"}
TYPE_URL_PREFIXES = ["type.googleapis.com/", "example.com/types/", "/"]


def f32(x):
    """The float32 nearest to x, as a python float (exactly representable)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


INT_RANGES = {
    FD.TYPE_INT32: (-(2**31), 2**31 - 1),
    FD.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FD.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FD.TYPE_UINT32: (0, 2**32 - 1),
    FD.TYPE_FIXED32: (0, 2**32 - 1),
    FD.TYPE_INT64: (-(2**63), 2**63 - 1),
    FD.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FD.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FD.TYPE_UINT64: (0, 2**64 - 1),
    FD.TYPE_FIXED64: (0, 2**64 - 1),
}
INT_EDGES = {
    32: [0, 1, -1, 2**31 - 1, -(2**31), 127, 128, -129, 300, 16384],
    64: [0, 1, -1, 2**63 - 1, -(2**63), 2**53, 2**53 + 1, -(2**53 + 1), 2**31, -(2**31) - 1, 2**32],
    "u32": [0, 1, 2**32 - 1, 2**31, 127, 128, 16384],
    "u64": [0, 1, 2**64 - 1, 2**63, 2**53 + 1, 2**32, 2**64 - 2],
}

FLOAT_EDGES = [f32(x) for x in [
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 1.0 / 3.0, 16777216.0, 16777217.0, 123.456,
    1e10, 1e-10, 1e-7, 1e16, 1e21, 3.4028234663852886e38, -3.4028234663852886e38,
    1.1754943508222875e-38, 1.401298464324817e-45, -1.401298464324817e-45, 9.999999e-5,
]]
DOUBLE_EDGES = [
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 1.0 / 3.0, 2.0**53, 2.0**53 + 2.0, 123456789.125,
    1e15, 1e16, 1e17, 1e21, 1e22, 1e-5, 1e-6, 1e-7, 5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308, -2.5e-300, 299792458.0,
]
NON_FINITE = [float("nan"), float("inf"), float("-inf")]

STRINGS = [
    "",
    "a",
    "hello, world",
    "Zürich naïve café",
    "中文字符串",
    "日本語のテキスト",
    "😀🎉🚀",
    "emoji 👍🏽 with a skin tone",
    "mix: abc 中 😀 é ｱ",
    'quote " backslash \\ slash /',
    "control \u0001\t\n\r\b\f\u001f",
    "NUL\u0000inside",
    "line\u2028separator\u2029",
    "\u007f\u0080\u07ff\u0800\ufffd\uffff",
    "\U0010ffff",
    "</script>&<>'",
    "\uff61",  # sorts before the emoji by UTF-8 bytes, after it by UTF-16 units
    "Z",
    "z",
    "é",
]
STRING_ALPHABET = list("abcxyzABCXYZ0129 _-.,\"\\/") + ["é", "ß", "中", "文", "😀", "🎉", "ｱ", "\uff61", "\u00ff", "\t", "\n"]

BYTES = [b"", b"\x00", b"\xff", b"\xfb\xff\xbf", b"a", b"ab", b"abc", b"\x00\x01\x02\x03", bytes(range(256))[::17]]


class Schema:
    def __init__(self, name, root, folder, count):
        self.name = name
        self.count = count
        self.root = REPO / root
        self.folder = folder
        self.files = []  # proto file names relative to the root
        self.messages = []  # message descriptors (no map entries)
        self.synthetic_oneofs = set()  # full names of proto3-optional oneofs


def find_include_dir(protoc):
    candidates = []
    resolved = shutil.which(protoc)
    if resolved:
        candidates.append(Path(resolved).resolve().parent.parent / "include")
    candidates += [Path("/usr/include"), Path("/usr/local/include"), Path("/opt/homebrew/include")]
    for c in candidates:
        if (c / "google" / "protobuf" / "timestamp.proto").is_file():
            return c
    sys.exit("make-python-vectors: cannot find google/protobuf/timestamp.proto; pass --include")


def compile_schema(schema, protoc, include, tmp):
    folder = schema.root / schema.folder
    if not folder.is_dir():
        print(f"warning: {folder.relative_to(REPO)} does not exist; no {schema.name} vectors", file=sys.stderr)
        return None
    schema.files = sorted(str(p.relative_to(schema.root)) for p in folder.rglob("*.proto"))
    if not schema.files:
        print(f"warning: no .proto files under {folder.relative_to(REPO)}; no {schema.name} vectors", file=sys.stderr)
        return None
    out = Path(tmp) / f"{schema.name}.pb"
    cmd = [protoc, f"-I{schema.root}", f"-I{include}", "--include_imports", f"--descriptor_set_out={out}"] + schema.files
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"make-python-vectors: protoc failed for {schema.name}:\n{r.stderr}")
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def load(schemas, protoc, include):
    pool = descriptor_pool.Default()
    added = set()
    with tempfile.TemporaryDirectory() as tmp:
        for schema in schemas:
            fds = compile_schema(schema, protoc, include, tmp)
            if fds is None:
                continue
            for fdp in fds.file:
                if fdp.name.startswith("google/protobuf/") or fdp.name in added:
                    continue
                pool.Add(fdp)
                added.add(fdp.name)
                if fdp.name not in schema.files:
                    print(f"warning: {schema.name} imports {fdp.name} from outside its folder", file=sys.stderr)
                collect_synthetic_oneofs(fdp.package, fdp.message_type, schema.synthetic_oneofs)
            for name in schema.files:
                fd = pool.FindFileByName(name)
                for m in fd.message_types_by_name.values():
                    collect_messages(m, schema.messages)
            schema.messages.sort(key=lambda d: d.full_name)


def collect_synthetic_oneofs(prefix, messages, out):
    for m in messages:
        full = f"{prefix}.{m.name}" if prefix else m.name
        for f in m.field:
            if f.proto3_optional:
                out.add(f"{full}.{m.oneof_decl[f.oneof_index].name}")
        collect_synthetic_oneofs(full, m.nested_type, out)


def collect_messages(desc, out):
    if desc.GetOptions().map_entry or desc.full_name.startswith("google.protobuf."):
        return
    out.append(desc)
    for n in desc.nested_types:
        collect_messages(n, out)


def is_map(field):
    return field.type == FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


# ---------------------------------------------------------------- random values


def rand_int(rng, ftype):
    lo, hi = INT_RANGES[ftype]
    if rng.random() < 0.45:
        if lo == 0:
            pool = INT_EDGES["u32" if hi < 2**32 else "u64"]
        else:
            pool = INT_EDGES[32 if hi < 2**32 else 64]
        return rng.choice(pool)
    bits = rng.randint(0, (hi - lo).bit_length() - 1)
    v = rng.getrandbits(bits) if bits else 0
    if lo < 0 and rng.random() < 0.5:
        v = -v - 1
    return max(lo, min(hi, v))


def rand_float32(rng):
    r = rng.random()
    if r < 0.06:
        return rng.choice(NON_FINITE)
    if r < 0.40:
        return rng.choice(FLOAT_EDGES)
    if r < 0.70:
        while True:  # any finite float32 bit pattern (subnormals included)
            x = struct.unpack("<f", struct.pack("<I", rng.getrandbits(32)))[0]
            if math.isfinite(x):
                return x
    return f32(round(rng.uniform(-1e6, 1e6), rng.randint(0, 4)))


def rand_double(rng):
    r = rng.random()
    if r < 0.06:
        return rng.choice(NON_FINITE)
    if r < 0.40:
        return rng.choice(DOUBLE_EDGES)
    if r < 0.70:
        while True:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if math.isfinite(x):
                return x
    return round(rng.uniform(-1e9, 1e9), rng.randint(0, 6))


def rand_string(rng):
    if rng.random() < 0.6:
        return rng.choice(STRINGS)
    return "".join(rng.choice(STRING_ALPHABET) for _ in range(rng.randint(1, 12)))


def rand_bytes(rng):
    if rng.random() < 0.5:
        return rng.choice(BYTES)
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 24)))


def rand_scalar(rng, field):
    t = field.type
    if t in INT_RANGES:
        return rand_int(rng, t)
    if t == FD.TYPE_FLOAT:
        return rand_float32(rng)
    if t == FD.TYPE_DOUBLE:
        return rand_double(rng)
    if t == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if t == FD.TYPE_STRING:
        return rand_string(rng)
    if t == FD.TYPE_BYTES:
        return rand_bytes(rng)
    if t == FD.TYPE_ENUM:
        numbers = sorted({v.number for v in field.enum_type.values})
        return rng.choice(numbers)
    raise ValueError(f"unsupported field type {t} for {field.full_name}")


def fill_timestamp(msg, rng):
    r = rng.random()
    if r < 0.15:
        seconds = rng.choice([TIMESTAMP_MIN, TIMESTAMP_MAX, 0, -1, 1])
    elif r < 0.6:
        seconds = rng.randint(0, 4102444800)  # 1970..2100
    else:
        seconds = rng.randint(TIMESTAMP_MIN, TIMESTAMP_MAX)
    msg.seconds = seconds
    msg.nanos = rand_nanos(rng)


def rand_nanos(rng):
    r = rng.random()
    if r < 0.35:
        return 0
    if r < 0.55:
        return rng.randint(0, 999) * 1_000_000
    if r < 0.70:
        return rng.randint(0, 999_999) * 1_000
    if r < 0.80:
        return rng.choice([1, 999_999_999, 500_000_000, 10])
    return rng.randint(0, 999_999_999)


def fill_duration(msg, rng):
    r = rng.random()
    if r < 0.2:
        seconds = rng.choice([DURATION_MAX, -DURATION_MAX, 0, 0, 1, -1])
    elif r < 0.6:
        seconds = rng.randint(-100_000, 100_000)
    else:
        seconds = rng.randint(-DURATION_MAX, DURATION_MAX)
    nanos = rand_nanos(rng)
    if seconds < 0 or (seconds == 0 and rng.random() < 0.5):
        nanos = -nanos
    msg.seconds = seconds
    msg.nanos = nanos


def fill_field_mask(msg, rng):
    words = ["a", "b_c", "inner.deeper", "f_int32", "x_y_z"]
    for _ in range(rng.randint(0, 3)):
        msg.paths.append(rng.choice(words))


class Builder:
    def __init__(self, schema):
        self.schema = schema
        self.warned = set()

    def build(self, desc, rng, depth, density):
        msg = message_factory.GetMessageClass(desc)()
        self.fill(msg, desc, rng, depth, density)
        return msg

    def can_nest(self, desc, depth):
        """Whether a message of type desc may be created at depth (not at the limit)."""
        name = desc.full_name
        if name.startswith("google.protobuf.") and name not in NESTING_WKTS:
            return True  # leaves: Timestamp, Duration, wrappers, FieldMask, Empty
        return depth <= MAX_DEPTH

    def fill(self, msg, desc, rng, depth, density):
        name = desc.full_name
        if name == "google.protobuf.Timestamp":
            return fill_timestamp(msg, rng)
        if name == "google.protobuf.Duration":
            return fill_duration(msg, rng)
        if name == "google.protobuf.FieldMask":
            return fill_field_mask(msg, rng)
        if name == "google.protobuf.Value":
            return self.fill_value(msg, rng, depth)
        if name == "google.protobuf.Struct":
            return self.fill_struct(msg, rng, depth)
        if name == "google.protobuf.ListValue":
            return self.fill_list_value(msg, rng, depth)
        if name == "google.protobuf.Any":
            return self.fill_any(msg, rng, depth)
        if name in WRAPPERS:
            density = 1.0 if rng.random() < 0.8 else 0.0
        for oneof in desc.oneofs:
            if oneof.full_name in self.schema.synthetic_oneofs or density == 0.0:
                continue
            if rng.random() < 0.6:
                field = rng.choice(list(oneof.fields))
                self.set_singular(msg, field, rng, depth, density, force=True)
        for field in desc.fields:
            oneof = field.containing_oneof
            if oneof is not None and oneof.full_name not in self.schema.synthetic_oneofs:
                continue  # real oneofs were handled above
            if rng.random() >= density:
                continue
            if is_map(field):
                self.set_map(msg, field, rng, depth, density)
            elif field.is_repeated:
                self.set_repeated(msg, field, rng, depth, density)
            else:
                self.set_singular(msg, field, rng, depth, density, force=field.has_presence)

    def fill_value(self, msg, rng, depth):
        kinds = ["null", "number", "string", "bool"]
        if depth < MAX_DEPTH:
            kinds += ["struct", "list"]
        kind = rng.choice(kinds)
        if kind == "null":
            msg.null_value = 0
        elif kind == "number":
            x = rand_double(rng)
            msg.number_value = x if math.isfinite(x) else 0.0
        elif kind == "string":
            msg.string_value = rand_string(rng)
        elif kind == "bool":
            msg.bool_value = rng.random() < 0.5
        elif kind == "struct":
            msg.struct_value.SetInParent()
            self.fill_struct(msg.struct_value, rng, depth + 1)
        else:
            msg.list_value.SetInParent()
            self.fill_list_value(msg.list_value, rng, depth + 1)

    def fill_struct(self, msg, rng, depth):
        if depth > MAX_DEPTH:
            return
        for _ in range(rng.randint(0, MAX_REPEATED)):
            key = rand_string(rng)
            if key not in msg.fields:
                self.fill_value(msg.fields[key], rng, depth + 1)

    def fill_list_value(self, msg, rng, depth):
        if depth > MAX_DEPTH:
            return
        for _ in range(rng.randint(0, MAX_REPEATED)):
            self.fill_value(msg.values.add(), rng, depth + 1)

    def fill_any(self, msg, rng, depth):
        """Packs a random message of the schema or a well-known type, with the
        canonical bytes (maps in key order) that every codec here writes."""
        if rng.random() < 1 / 6:
            return  # the empty Any
        names = [d.full_name for d in self.schema.messages] + sorted(WRAPPERS) + [
            "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.Struct",
            "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.FieldMask", "google.protobuf.Empty"]
        if depth < MAX_DEPTH:
            names.append("google.protobuf.Any")
        desc = descriptor_pool.Default().FindMessageTypeByName(rng.choice(names))
        sub = self.build(desc, rng, depth + 1, rng.choice([0.3, 0.6, 1.0]))
        msg.type_url = rng.choice(TYPE_URL_PREFIXES) + desc.full_name
        msg.value = canonical_bytes(sub)

    def sub_density(self, rng, density):
        return min(density, rng.choice([0.3, 0.6, 1.0]))

    def set_singular(self, msg, field, rng, depth, density, force):
        if field.type == FD.TYPE_MESSAGE:
            if not self.can_nest(field.message_type, depth + 1):
                return
            sub = getattr(msg, field.name)
            sub.SetInParent()  # presence, even when the sub-message stays empty
            if rng.random() < 0.2 and field.message_type.full_name not in ALWAYS_FILLED:
                return  # an empty, present message
            self.fill(sub, field.message_type, rng, depth + 1, self.sub_density(rng, density))
            return
        if force and rng.random() < 0.25:
            value = field.default_value  # zero, but present (oneof / proto3 optional)
            if field.type == FD.TYPE_ENUM:
                value = 0
        elif not force and rng.random() < 0.1:
            value = field.default_value  # explicit zero: must vanish in JSON and binary
        else:
            value = rand_scalar(rng, field)
        setattr(msg, field.name, value)

    def set_repeated(self, msg, field, rng, depth, density):
        target = getattr(msg, field.name)
        count = rng.randint(0, MAX_REPEATED)
        if field.type == FD.TYPE_MESSAGE:
            if not self.can_nest(field.message_type, depth + 1):
                return
            for _ in range(count):
                self.fill(target.add(), field.message_type, rng, depth + 1, self.sub_density(rng, density))
        else:
            target.extend(rand_scalar(rng, field) for _ in range(count))

    def set_map(self, msg, field, rng, depth, density):
        entry = field.message_type
        kf, vf = entry.fields_by_name["key"], entry.fields_by_name["value"]
        if vf.type == FD.TYPE_MESSAGE and not self.can_nest(vf.message_type, depth + 1):
            return
        target = getattr(msg, field.name)
        keys = []
        for _ in range(rng.randint(0, MAX_REPEATED)):
            for _attempt in range(10):
                k = rand_scalar(rng, kf)
                if k not in keys:
                    keys.append(k)
                    break
        for k in keys:
            if vf.type == FD.TYPE_MESSAGE:
                sub = target[k]  # creates the entry
                if rng.random() >= 0.2 or vf.message_type.full_name in ALWAYS_FILLED:
                    self.fill(sub, vf.message_type, rng, depth + 1, self.sub_density(rng, density))
            else:
                target[k] = rand_scalar(rng, vf) if rng.random() >= 0.1 else vf.default_value


# ---------------------------------------------------------------- output


def has_nan(msg):
    for field, value in msg.ListFields():
        if is_map(field):
            vfield, values = field.message_type.fields_by_name["value"], list(value.values())
        elif field.is_repeated:
            vfield, values = field, list(value)
        else:
            vfield, values = field, [value]
        if vfield.type in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
            if any(math.isnan(v) for v in values):
                return True
        elif vfield.type == FD.TYPE_MESSAGE:
            if any(has_nan(v) for v in values):
                return True
    return False


def map_key_order(kfield):
    if kfield.type == FD.TYPE_STRING:
        return lambda k: k.encode("utf-8")
    if kfield.type == FD.TYPE_BOOL:
        return lambda k: k == "true"
    return int


def order_json_value(obj):
    """A Struct's, Value's or ListValue's JSON with object keys in UTF-8 byte order."""
    if isinstance(obj, dict):
        return {k: order_json_value(obj[k]) for k in sorted(obj, key=lambda k: k.encode("utf-8"))}
    if isinstance(obj, list):
        return [order_json_value(v) for v in obj]
    return obj


def order_any(obj):
    """An Any's JSON: "@type" first, then the packed message's JSON in order."""
    if not obj:
        return obj
    desc = descriptor_pool.Default().FindMessageTypeByName(obj["@type"].split("/")[-1])
    out = {"@type": obj["@type"]}
    if desc.full_name in JSON_LEAF_WKTS:
        out["value"] = order_maps(desc, obj["value"])
    else:
        out.update(order_maps(desc, {k: v for k, v in obj.items() if k != "@type"}))
    return out


def order_maps(desc, obj):
    """obj (parsed python JSON of a desc message) with map objects sorted by key,
    in the order of the deterministic binary (numeric, false<true, UTF-8 bytes)."""
    name = desc.full_name
    if name in ("google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"):
        return order_json_value(obj)
    if name == "google.protobuf.Any":
        return order_any(obj)
    if name in JSON_LEAF_WKTS or not isinstance(obj, dict):
        return obj
    by_key = {}
    for f in desc.fields:
        by_key[f.json_name] = f
        by_key[f.name] = f
    out = {}
    for key, value in obj.items():
        field = by_key[key]
        if is_map(field):
            kf, vf = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            order = map_key_order(kf)
            out[key] = {k: order_value(vf, value[k]) for k in sorted(value, key=order)}
        elif field.is_repeated:
            out[key] = [order_value(field, v) for v in value]
        else:
            out[key] = order_value(field, value)
    return out


def order_value(field, value):
    if field.type == FD.TYPE_MESSAGE:
        return order_maps(field.message_type, value)
    return value


def stable_json(msg, proto_names):
    ensure_ascii = proto_names  # the proto-names form keeps python's default \u escapes
    text = json_format.MessageToJson(
        msg,
        indent=None,
        preserving_proto_field_name=proto_names,
        always_print_fields_with_no_presence=False,
        use_integers_for_enums=False,
        ensure_ascii=ensure_ascii,
    )
    parsed = json.loads(text)
    reordered = order_maps(msg.DESCRIPTOR, parsed)
    # Same json.dumps call MessageToJson makes, so numbers keep python's spelling.
    out = json.dumps(reordered, indent=None, sort_keys=False, ensure_ascii=ensure_ascii)
    if json.loads(out) != parsed:
        raise AssertionError(f"map re-ordering changed the value of {msg.DESCRIPTOR.full_name}")
    return out


# ---------------------------------------------------------------- binary map order
#
# upb's `deterministic=True` sorts map entries, but not in ascending key order:
# integer and bool keys come out in DESCENDING order of their unsigned 64-bit
# pattern (so -1, -2, INT64_MIN, INT64_MAX, ..., 1, 0; true before false), and
# string keys ascending by bytes except that a key comes AFTER the keys it is a
# prefix of ("ab", "a", ..., ""). (upb/message/map_sorter.c sorts, then the
# backwards-writing encoder reverses part of it.) We keep every entry's bytes as
# python wrote them and only re-order each map field's run of entries into the
# order C++ protobuf's deterministic serializer uses and our codec writes:
# signed keys by signed value, unsigned by value, false < true, strings by UTF-8
# bytes with a prefix first.


def read_varint(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def split_fields(data):
    """[(number, wire_type, whole field bytes, payload start offset within them)]."""
    fields = []
    pos = 0
    while pos < len(data):
        start = pos
        tag, pos = read_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            _, pos = read_varint(data, pos)
            payload_at = None
        elif wire == 1:
            pos += 8
            payload_at = None
        elif wire == 5:
            pos += 4
            payload_at = None
        elif wire == 2:
            length, pos = read_varint(data, pos)
            payload_at = pos - start
            pos += length
        else:
            raise ValueError(f"unexpected wire type {wire}")
        fields.append((number, wire, data[start:pos], payload_at))
    if pos != len(data):
        raise ValueError("truncated message")
    return fields


def map_key_value(kfield, entry):
    """The sort key of a map entry's key (absent key = the type's zero)."""
    raw = None
    for number, wire, whole, payload_at in split_fields(entry):
        if number == 1:
            raw = (wire, whole, payload_at)
    t = kfield.type
    if t in (FD.TYPE_STRING, FD.TYPE_BYTES):
        return b"" if raw is None else raw[1][raw[2]:]
    if raw is None:
        return 0
    wire, whole, _ = raw
    _, at = read_varint(whole, 0)  # skip the tag
    if wire == 0:
        v, _ = read_varint(whole, at)
        if t in (FD.TYPE_SINT32, FD.TYPE_SINT64):
            return (v >> 1) ^ -(v & 1)
        if t in (FD.TYPE_INT32, FD.TYPE_INT64):
            return v - (1 << 64) if v >= 1 << 63 else v
        return v  # uint32, uint64, bool
    if wire == 5:
        v = int.from_bytes(whole[at:at + 4], "little")
        return v - (1 << 32) if t == FD.TYPE_SFIXED32 and v >= 1 << 31 else v
    v = int.from_bytes(whole[at:at + 8], "little")
    return v - (1 << 64) if t == FD.TYPE_SFIXED64 and v >= 1 << 63 else v


def sorted_maps(desc, data):
    """data (a desc message's binary) with map entries in ascending key order,
    recursively (into Struct and into the message an Any packs). Lengths do not
    change, so only payloads are replaced."""
    if desc.full_name == "google.protobuf.Any":
        return sorted_any(data)
    out = []
    run_number, run = None, []
    seen_runs = set()

    def flush():
        nonlocal run_number, run
        if run:
            if run_number in seen_runs:
                raise ValueError(f"{desc.full_name}: map field {run_number} is not contiguous")
            seen_runs.add(run_number)
            kfield = desc.fields_by_number[run_number].message_type.fields_by_name["key"]
            run.sort(key=lambda whole_at: map_key_value(kfield, whole_at[0][whole_at[1]:]))
            out.extend(whole for whole, _ in run)
        run_number, run = None, []

    for number, wire, whole, payload_at in split_fields(data):
        field = desc.fields_by_number.get(number)
        if field is None or field.type != FD.TYPE_MESSAGE or wire != 2:
            flush()
            out.append(whole)
            continue
        head, payload = whole[:payload_at], whole[payload_at:]
        if is_map(field):
            entry_desc = field.message_type
            parts = []
            for n, w, wh, pa in split_fields(payload):
                vfield = entry_desc.fields_by_number.get(n)
                if vfield is not None and vfield.type == FD.TYPE_MESSAGE and w == 2:
                    wh = wh[:pa] + sorted_maps(vfield.message_type, wh[pa:])
                parts.append(wh)
            whole = head + b"".join(parts)
            if run_number != number:
                flush()
                run_number = number
            run.append((whole, payload_at))
        else:
            flush()
            out.append(head + sorted_maps(field.message_type, payload))
    flush()
    result = b"".join(out)
    assert len(result) == len(data)
    return result


def sorted_any(data):
    """An Any's binary with the packed message's maps in key order (when its
    type is known; the length of the value field does not change)."""
    any_msg = any_pb2.Any.FromString(data)
    try:
        desc = descriptor_pool.Default().FindMessageTypeByName(any_msg.type_url.split("/")[-1])
    except KeyError:
        return data
    out = []
    for number, wire, whole, payload_at in split_fields(data):
        if number == 2 and wire == 2:
            whole = whole[:payload_at] + sorted_maps(desc, whole[payload_at:])
        out.append(whole)
    return b"".join(out)


def canonical_bytes(msg):
    """The deterministic binary every codec here writes: fields in number
    order, map entries in ascending key order (also inside Any and Struct)."""
    upb = msg.SerializeToString(deterministic=True)
    data = sorted_maps(msg.DESCRIPTOR, upb)
    # The re-ordered bytes must still be the same message.
    back = type(msg).FromString(data).SerializeToString(deterministic=True)
    if len(back) != len(upb):
        raise AssertionError(f"map re-ordering changed a {msg.DESCRIPTOR.full_name}")
    return data


def binary_b64(msg):
    return base64.b64encode(canonical_bytes(msg)).decode("ascii")


def random_vectors(schema, count):
    builder = Builder(schema)
    vectors = []
    for desc in schema.messages:
        for seed in range(count):
            rng = random.Random(f"{desc.full_name}#{seed}")
            if seed == 0:
                density = 0.0  # the empty message
            elif seed == 1:
                density = 1.0  # every field
            else:
                density = rng.choice([0.2, 0.5, 0.8, 1.0])
            msg = builder.build(desc, rng, 0, density)
            binary = binary_b64(msg)
            nan = has_nan(msg)
            forms = [False] + ([True] if seed % PROTO_NAME_EVERY == 1 else [])
            for proto_names in forms:
                v = {
                    "type": desc.full_name,
                    "schema": schema.name,
                    "seed": seed,
                    "json": stable_json(msg, proto_names),
                    "json_proto_names": proto_names,
                    "binary": binary,
                }
                if nan:
                    v["has_nan"] = True
                vectors.append(v)
    return vectors


# Valid, non-canonical JSON inputs. Each: (type, note, json text).
EDGE_INPUTS = [
    ("conformance.v1.AllTypes", "64-bit integers as JSON numbers",
     '{"fInt64": 123, "fUint64": 4294967296, "fSint64": -9007199254740991, "fFixed64": 42, "fSfixed64": -7, "rInt64": [1, -2, 0]}'),
    ("conformance.v1.AllTypes", "64-bit integers as JSON numbers beyond 2^53 (exact digits)",
     '{"fInt64": 9223372036854775807, "fUint64": 18446744073709551615, "fSint64": -9223372036854775808, "fFixed64": 9007199254740993}'),
    ("conformance.v1.AllTypes", "32-bit integers as JSON strings",
     '{"fInt32": "-42", "fUint32": "4294967295", "fSint32": "7", "fFixed32": "1", "fSfixed32": "-2147483648", "rInt32": ["0", "5"], "mInt32Int32": {"1": "-1"}}'),
    ("conformance.v1.AllTypes", "integers written with an exponent or a zero fraction",
     '{"fInt32": 1e2, "fInt64": 5.0, "fUint32": 1.0e1, "fSint64": "-3"}'),
    ("conformance.v1.AllTypes", "enum values as numbers (2 has the alias COLOR_VERDE)",
     '{"fColor": 1, "rColor": [2, -3, 0], "uColor": [1], "oColor": 2, "mSfixed32Color": {"1": 2, "-5": -3}}'),
    ("conformance.v1.AllTypes", "enum value by its alias name",
     '{"fColor": "COLOR_VERDE"}'),
    ("conformance.v1.AllTypes", "URL-safe, unpadded base64",
     '{"fBytes": "-_8", "rBytes": ["_-_-", "YQ", "YWI", ""], "oBytes": "-w", "mUint32Bytes": {"7": "AP8"}}'),
    ("conformance.v1.AllTypes", "standard base64 without padding",
     '{"fBytes": "+/8", "rBytes": ["YWJjZA"]}'),
    ("conformance.v1.AllTypes", "timestamps with time zone offsets",
     '{"fTimestamp": "2024-01-02T03:04:05.123+08:00", "rTimestamp": ["1970-01-01T00:00:00-01:30", "1972-01-01T10:00:20.021-05:00", "2000-02-29T23:59:59.5+00:00"]}'),
    ("conformance.v1.AllTypes", "timestamp with 1, 2, 4, 5, 7, 8 fractional digits",
     '{"rTimestamp": ["2020-06-01T00:00:00.1Z", "2020-06-01T00:00:00.12Z", "2020-06-01T00:00:00.1234Z", "2020-06-01T00:00:00.12345Z", "2020-06-01T00:00:00.1234567Z", "2020-06-01T00:00:00.12345678Z"]}'),
    ("conformance.v1.AllTypes", "null for fields of every kind",
     '{"fString": null, "fInner": null, "rInt32": null, "mInt32Int32": null, "fColor": null, "fTimestamp": null, "oUint32": null, "fDouble": null, "fBytes": null, "fDuration": null}'),
    ("conformance.v1.AllTypes", "null beside set fields",
     '{"fInt32": 3, "fString": null, "customName": "kept", "rString": null}'),
    ("conformance.v1.AllTypes", "negative duration below one second",
     '{"fDuration": "-0.5s"}'),
    ("conformance.v1.AllTypes", "duration with 9 fractional digits",
     '{"fDuration": "1.000340012s"}'),
    ("conformance.v1.AllTypes", "negative duration with 2 fractional digits",
     '{"fDuration": "-3.25s"}'),
    ("conformance.v1.AllTypes", "duration with 1 fractional digit; timestamp with an all-zero fraction",
     '{"fDuration": "7.5s", "fTimestamp": "1970-01-01T00:00:00.000Z"}'),
    ("conformance.v1.AllTypes", "original proto field names mixed with JSON names",
     '{"f_int32": 5, "customName": "x", "r_inner": [{"a": 1, "deeper": {"c": true}}], "m_bool_uint64": {"true": "3"}, "fUint64": "9"}'),
    ("conformance.v1.AllTypes", "the json_name field by its proto name",
     '{"f_renamed": "by proto name"}'),
    ("conformance.v1.AllTypes", "floats as JSON strings and exponents",
     '{"fFloat": "1.5", "fDouble": "-2.25e3", "rFloat": [1E2, "2.5e-1"], "rDouble": ["1", 1e-2]}'),
    ("conformance.v1.AllTypes", "non-finite values as strings",
     '{"fFloat": "Infinity", "fDouble": "-Infinity", "rFloat": ["-Infinity", "Infinity"], "rDouble": ["Infinity"]}'),
    ("conformance.v1.AllTypes", "float32 value needing rounding from its decimal",
     '{"fFloat": 0.1, "rFloat": [3.14159265358979, 1e-40, -16777217]}'),
    ("conformance.v1.AllTypes", "map keys as strings of every kind",
     '{"mInt64String": {"-1": "a", "9223372036854775807": "max"}, "mUint64Double": {"18446744073709551615": 1}, "mBoolUint64": {"true": "18446744073709551615", "false": 0}, "mSint64Bool": {"-9223372036854775808": true}, "mFixed32Sfixed32": {"4294967295": -1}, "mStringInner": {"": {}, "😀": {"a": 1}}}'),
    ("conformance.v1.AllTypes", "empty objects and arrays",
     '{"fInner": {}, "rInner": [], "mStringInner": {}, "rInt32": []}'),
    ("conformance.v1.AllTypes", "string escapes: \\u escapes, surrogate pair, \\/",
     '{"fString": "\\u00e9\\u4e2d\\ud83d\\ude00 \\/ \\"q\\" \\\\ \\b\\f\\n\\r\\t \\u0000"}'),
    ("conformance.v1.AllTypes", "booleans and a oneof string member set to empty",
     '{"fBool": false, "rBool": [true, false], "oString": ""}'),
    ("conformance.v1.OptionalFields", "optional fields: null means absent, zero means present",
     '{"oInt32": null, "oString": "", "oBool": false, "oDouble": 0, "oColor": "COLOR_UNSPECIFIED", "oInner": {}, "oBytes": "", "oSint64": "0", "plain": 0}'),
    ("conformance.v1.OptionalFields", "optional fields by proto name, zero enum as a number",
     '{"o_int32": 0, "o_color": 0, "o_sint64": -1, "plain": "7"}'),
    ("conformance.v1.WellKnownFields", "null for a wrapper means absent; for a Value it is a null value",
     '{"fInt32Value": null, "fStringValue": null, "fValue": null, "rValue": [null, 1, "a", null], "mValue": {"k": null}}'),
    ("conformance.v1.WellKnownFields", "null sets a NullValue oneof member and a proto3 optional NullValue",
     '{"cNullValue": null, "oNullValue": null, "fNullValue": null, "mNullValue": {"b": "NULL_VALUE", "c": 0}}'),
    ("conformance.v1.WellKnownFields", "a Value holding a nested list of structs",
     '{"fValue": [{"a": [{"b": null}, {}], "c": {"d": [1.5, -2, true, "x"]}}, [], [[{"e": false}]]]}'),
    ("conformance.v1.WellKnownFields", "an Any of an Any of a message",
     '{"fAny": {"@type": "type.googleapis.com/google.protobuf.Any", "value": {"@type": "type.googleapis.com/conformance.v1.AllTypes.Inner", "a": 7, "b": "x", "deeper": {"c": true}}}}'),
    ("conformance.v1.WellKnownFields", "Any holding well-known types (value form), Empty, and nothing",
     '{"rAny": [{"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": "5"}, {"@type": "example.com/google.protobuf.Timestamp", "value": "2024-01-01T00:00:00.250Z"}, {"@type": "type.googleapis.com/google.protobuf.Empty"}, {"@type": "type.googleapis.com/google.protobuf.Struct", "value": {"k": [1, "two", null]}}, {"@type": "type.googleapis.com/google.protobuf.FieldMask", "value": "aB,c.dE"}, {"@type": "type.googleapis.com/google.protobuf.Value", "value": null}, {}]}'),
    ("conformance.v1.WellKnownFields", "Any holding a message with a map and a nested Any",
     '{"cAny": {"@type": "type.googleapis.com/conformance.v1.AllTypes", "mStringInner": {"b": {"a": 1}, "a": {}}, "fInt64": "-3"}, "mAny": {"k": {"@type": "type.googleapis.com/conformance.v1.WellKnownFields", "fAny": {"@type": "type.googleapis.com/google.protobuf.BoolValue", "value": true}}}}'),
    ("conformance.v1.WellKnownFields", "wrappers in non-canonical forms and at zero (present)",
     '{"fInt64Value": 5, "fUint32Value": "7", "fFloatValue": "NaN", "fDoubleValue": "-Infinity", "fBytesValue": "-_8", "fBoolValue": false, "fStringValue": "", "fUint64Value": "0", "rInt32Value": [0, "1", -1]}'),
    ("conformance.v1.WellKnownFields", "FieldMask paths in camelCase, and an empty mask",
     '{"fFieldMask": "fooBar,baz.quxQuux,a", "rFieldMask": ["", "x"], "cFieldMask": "a.bC.dEF"}'),
    ("conformance.v1.WellKnownFields", "Struct with nested values and an empty key",
     '{"fStruct": {"z": 1, "a": {"nested": [true, null, {}]}, "": "empty key", "n": -0.0}, "mStruct": {"-1": {}}, "fListValue": [], "fEmpty": {}, "rEmpty": [{}, {}]}'),
    ("conformance.v1.TreeNode", "recursive message with nulls inside",
     '{"label": "root", "child": {"label": null, "child": {"otherName": "x"}}, "children": [{}, {"named": {"k": {"label": "v"}}}], "other": null}'),
]
EDGE_SEED_BASE = 1000


def edge_vectors(schemas):
    known = {d.full_name for s in schemas for d in s.messages}
    schema_of = {d.full_name: s.name for s in schemas for d in s.messages}
    vectors = []
    for i, (type_name, note, text) in enumerate(EDGE_INPUTS):
        if type_name not in known:
            print(f"warning: edge vector for unknown type {type_name} skipped", file=sys.stderr)
            continue
        desc = descriptor_pool.Default().FindMessageTypeByName(type_name)
        msg = message_factory.GetMessageClass(desc)()
        json_format.Parse(text, msg)
        v = {
            "type": type_name,
            "schema": schema_of[type_name],
            "seed": EDGE_SEED_BASE + i,
            "json": text,
            "json_proto_names": False,
            "binary": binary_b64(msg),
            "input_only": True,
            "note": note,
        }
        if has_nan(msg):
            v["has_nan"] = True
        vectors.append(v)
    return vectors


def float32_json_keys(schemas):
    """JSON keys (both spellings) of fields whose numbers are float32: float
    fields, repeated float, maps with float values, FloatValue wrappers."""
    keys = set()
    for s in schemas:
        for d in s.messages:
            for f in d.fields:
                vf = f.message_type.fields_by_name["value"] if is_map(f) else f
                if vf.type == FD.TYPE_FLOAT or (
                    vf.type == FD.TYPE_MESSAGE and vf.message_type.full_name == "google.protobuf.FloatValue"
                ):
                    keys.update([f.json_name, f.name])
                if vf.type == FD.TYPE_MESSAGE and vf.message_type.full_name == "google.protobuf.Any":
                    keys.add("value")  # an Any may hold a FloatValue: {"@type": ..., "value": 1.5}
    return sorted(keys)


def render(header, vectors):
    lines = ["{"]
    for k, v in header.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, sort_keys=True)},")
    lines.append('  "vectors": [')
    body = [
        "    " + json.dumps(v, ensure_ascii=False, separators=(", ", ": "), sort_keys=False)
        for v in vectors
    ]
    lines.append(",\n".join(body))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--count", type=int,
                    help="random instances per message type for every schema "
                         "(default: " + ", ".join(f"{s[0]} {s[3]}" for s in SCHEMAS) + ")")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--protoc", default=os.environ.get("PROTOC", "protoc"))
    ap.add_argument("--include", type=Path, help="directory holding google/protobuf/*.proto")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 when the file differs")
    args = ap.parse_args()
    if args.count is not None and args.count < 2:
        ap.error("--count must be at least 2 (seed 0 is the empty message, seed 1 sets every field)")

    include = args.include or find_include_dir(args.protoc)
    protoc_version = subprocess.run([args.protoc, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    schemas = [Schema(*s) for s in SCHEMAS]
    if args.count is not None:
        for s in schemas:
            s.count = args.count
    load(schemas, args.protoc, include)

    vectors = []
    counts = {}
    for s in schemas:
        vs = random_vectors(s, s.count)
        counts[s.name] = {"random": len(vs)}
        vectors += vs
    edges = edge_vectors(schemas)
    for s in schemas:
        counts[s.name]["input_only"] = sum(1 for v in edges if v["schema"] == s.name)
    vectors += edges

    header = {
        "generator": "scripts/make-python-vectors.py",
        "python": ".".join(map(str, sys.version_info[:3])),
        "python_protobuf": google.protobuf.__version__,
        "python_protobuf_implementation": api_implementation.Type(),
        "protoc": protoc_version,
        "schemas": {
            s.name: {
                "root": str(s.root.relative_to(REPO)),
                "seeds_per_type": s.count,
                "files": s.files,
                "message_types": [d.full_name for d in s.messages],
                "vectors": counts[s.name]["random"] + counts[s.name]["input_only"],
            }
            for s in schemas
        },
        "float32_json_keys": float32_json_keys(schemas),
    }
    text = render(header, vectors)
    json.loads(text)  # well-formed

    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out.relative_to(REPO)} is stale; run scripts/make-python-vectors.py", file=sys.stderr)
            return 1
        print(f"{args.out.relative_to(REPO)} is up to date")
        return 0

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    for s in schemas:
        c = counts[s.name]
        print(f"{s.name}: {len(s.messages)} message types, {c['random']} random vectors "
              f"({s.count} seeds each, plus proto-name forms), {c['input_only']} input-only vectors")
    size = len(text.encode("utf-8"))
    print(f"wrote {len(vectors)} vectors, {size} bytes, to {args.out.relative_to(REPO)}")
    if size >= 2_000_000:
        print("warning: the vectors file is 2 MB or more; lower --count", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
