#!/usr/bin/env bash
# protogen on schemas no one here wrote: the .proto files Debian's libprotobuf-dev
# installs under /usr/include/google/protobuf.
#
#   1. As installed, the folder is refused (exit 2) with an error naming each file
#      that is not a well-known type protogen builds in (api, type, source_context,
#      descriptor, ...); nothing is written.
#   2. Every proto3 file, renamed into the package debian.protobuf (folder
#      debian/protobuf/, imports rewritten): generate, lint (findings expected, no
#      crash), docs, and the generated Swift compiles against ProtoWire.
#   3. A proto2 file (descriptor.proto) is refused, naming the file.
#   4. The seven built-in files vendored exactly as installed beside a schema that
#      uses every well-known type: recognised, not generated again, and it compiles.
#
# Usage: scripts/foreign-protos.sh <protogen binary> <folder holding ProtoWire.swiftmodule>
set -euo pipefail
protogen=$1
modules=$2
installed=${PROTO_INCLUDE:-/usr/include}/google/protobuf
[[ -f $installed/descriptor.proto ]] || { echo "no $installed/descriptor.proto (apt-get install libprotobuf-dev)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "foreign-protos: $*" >&2; exit 1; }

# Runs protogen and fails on a crash (a signal or an exit code above 2).
run() {
    local status=0
    "$protogen" "$@" || status=$?
    ((status <= 2)) || fail "protogen $* crashed or failed unexpectedly (exit $status)"
    return "$status"
}

compile() { # folder of generated Swift, module name
    local objects="$tmp/$2.o"
    swiftc -parse-as-library -wmo -module-name "$2" -I "$modules" -emit-object -o "$objects" "$1"/*.swift \
        || fail "the Swift generated for $2 does not compile"
    echo "compiled $(ls "$1"/*.swift | wc -l) generated files of $2"
}

mapfile -t all < <(cd "$installed" && find . -name '*.proto' -type f | sed 's|^\./||' | sort)
echo "${#all[@]} files in $installed: ${all[*]}"

# 1. As installed.
mkdir -p "$tmp/as-installed/google"
cp -r "$installed" "$tmp/as-installed/google/"
status=0
run generate --schema "$tmp/as-installed" --out "$tmp/as-installed-out" --no-services 2>"$tmp/as-installed.err" || status=$?
((status == 2)) || fail "the folder as installed was not refused (exit $status)"
for f in api.proto type.proto source_context.proto descriptor.proto; do
    grep -q "google/protobuf/$f is not a well-known type this generator builds in" "$tmp/as-installed.err" \
        || fail "no error naming google/protobuf/$f: $(cat "$tmp/as-installed.err")"
done
[[ ! -e $tmp/as-installed-out ]] || fail "output written for a refused folder"
echo "as installed: refused, naming each file that is not built in"

# 2. Renamed into debian.protobuf.
renamed="$tmp/renamed"
proto3=()
for f in "${all[@]}"; do
    grep -q '^syntax = "proto3";' "$installed/$f" || continue
    proto3+=("$f")
    mkdir -p "$renamed/debian/protobuf/$(dirname "$f")"
    sed -e 's/^package google\.protobuf;/package debian.protobuf;/' \
        -e 's|^import "google/protobuf/|import "debian/protobuf/|' \
        -e 's/\bgoogle\.protobuf\.\([A-Z]\)/debian.protobuf.\1/g' \
        "$installed/$f" >"$renamed/debian/protobuf/$f"
done
echo "renamed into debian.protobuf: ${proto3[*]}"
run generate --schema "$renamed" --out "$tmp/renamed-out" --module DebianProtos --no-services
run lint --schema "$renamed" >"$tmp/lint.out" 2>&1 || true
echo "lint: $(tail -1 "$tmp/lint.out")"
run docs --schema "$renamed" --out "$tmp/renamed-docs"
[[ -s $tmp/renamed-docs/index.md || -n $(ls "$tmp/renamed-docs") ]] || fail "docs wrote nothing"
echo "docs: $(ls "$tmp/renamed-docs" | wc -l) files"
compile "$tmp/renamed-out" DebianProtos

# 3. A proto2 file.
mkdir -p "$tmp/proto2/debian"
sed 's/^package google\.protobuf;/package debian.protobuf;/' "$installed/descriptor.proto" >"$tmp/proto2/debian/descriptor.proto"
status=0
run generate --schema "$tmp/proto2" --out "$tmp/proto2-out" --no-services 2>"$tmp/proto2.err" || status=$?
((status == 2)) || fail "a proto2 file was not refused (exit $status)"
grep -q '^debian/descriptor.proto:.*proto2' "$tmp/proto2.err" || fail "no error naming the proto2 file: $(cat "$tmp/proto2.err")"
echo "proto2: refused, naming the file"

# 4. The built-in files vendored as installed.
vendored="$tmp/vendored"
mkdir -p "$vendored/google/protobuf" "$vendored/shop/v1"
for f in any duration empty field_mask struct timestamp wrappers; do cp "$installed/$f.proto" "$vendored/google/protobuf/"; done
cat >"$vendored/shop/v1/order.proto" <<'EOF'
syntax = "proto3";
package shop.v1;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
// An order with a field of every well-known type.
message Order {
  google.protobuf.Any detail = 1;
  google.protobuf.Struct attributes = 2;
  repeated google.protobuf.Value tags = 3;
  map<string, google.protobuf.ListValue> lists = 4;
  google.protobuf.NullValue nothing = 5;
  google.protobuf.StringValue note = 6;
  google.protobuf.Int64Value quantity = 7;
  google.protobuf.FieldMask changed = 8;
  google.protobuf.Timestamp placed_at = 9;
  google.protobuf.Duration hold = 10;
  oneof state { google.protobuf.Empty open = 11; google.protobuf.BoolValue shipped = 12; }
}
EOF
run generate --schema "$vendored" --out "$tmp/vendored-out" --module ShopProtos --no-services
[[ $(ls "$tmp/vendored-out") == $'ShopProtos+Registry.swift\nShopProtos+Schema.swift\nshop_v1_order.pb.swift' ]] \
    || fail "vendored well-known files were generated again: $(ls "$tmp/vendored-out")"
compile "$tmp/vendored-out" ShopProtos
echo "vendored as installed: recognised, not generated again"
