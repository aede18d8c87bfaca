#!/usr/bin/env bash
# Regenerates swift-protobuf's code from ../schema (committed output; never run in CI):
#   Sources/SwiftProtobufPeer/Generated  protoc-gen-swift (apple/swift-protobuf 1.39.0)
# The protobuf-c peer compiles the root package's protoc-c output through
# symbolic links (Sources/ProtobufCPeer/generated, include), made by scripts/generate-c.sh.
# PROTOC_GEN_SWIFT names the plugin binary; build it once from a checkout of
# swift-protobuf 1.39.0 with `swift build --product protoc-gen-swift` (debug is
# enough: its output is the same as a release build's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
plugin="${PROTOC_GEN_SWIFT:?set PROTOC_GEN_SWIFT to the protoc-gen-swift binary}"
cd "$root"
mapfile -t protos < <(cd schema && find . -name '*.proto' | sed 's|^\./||' | sort)

out="$here/Sources/SwiftProtobufPeer/Generated"
rm -rf "$out" && mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
protoc -I schema --plugin=protoc-gen-swift="$plugin" --swift_out="$tmp" --swift_opt=Visibility=Public "${protos[@]}"
find "$tmp" -name '*.pb.swift' | while read -r f; do
    rel="${f#"$tmp"/}"
    cp "$f" "$out/$(echo "$rel" | tr / _)"
done

echo "peers regenerated from ${#protos[@]} files"
