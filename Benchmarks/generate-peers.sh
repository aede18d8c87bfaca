#!/usr/bin/env bash
# Regenerates the peers' code from ../schema (committed output; never run in CI):
#   Sources/SwiftProtobufPeer/Generated  protoc-gen-swift (apple/swift-protobuf 1.39.0)
#   Sources/GRPCPeer/Generated           protoc-gen-grpc-swift-2 (grpc/grpc-swift-protobuf 2.4.1),
#                                        the IntegrityService stubs the RPC benchmark calls
# The protobuf-c peer compiles the root package's protoc-c output through
# symbolic links (Sources/ProtobufCPeer/generated, include), made by scripts/generate-c.sh.
# PROTOC_GEN_SWIFT names the plugin binary; build it once from a checkout of
# swift-protobuf 1.39.0 with `swift build --product protoc-gen-swift` (debug is
# enough: its output is the same as a release build's). PROTOC_GEN_GRPC_SWIFT
# names protoc-gen-grpc-swift-2, built the same way from a checkout of
# grpc-swift-protobuf 2.4.1 (`swift build --product protoc-gen-grpc-swift-2`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
plugin="${PROTOC_GEN_SWIFT:?set PROTOC_GEN_SWIFT to the protoc-gen-swift binary}"
grpc_plugin="${PROTOC_GEN_GRPC_SWIFT:?set PROTOC_GEN_GRPC_SWIFT to the protoc-gen-grpc-swift-2 binary}"
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

# The gRPC stubs live in their own module, so they import the messages'
# module (the plugin otherwise assumes the messages sit next to the stubs).
grpc_protos=(protection/v1/integrity.proto)
grpc_out="$here/Sources/GRPCPeer/Generated"
rm -rf "$grpc_out" && mkdir -p "$grpc_out"
grpc_tmp="$tmp/grpc" && mkdir -p "$grpc_tmp"
protoc -I schema --plugin=protoc-gen-grpc-swift-2="$grpc_plugin" --grpc-swift-2_out="$grpc_tmp" \
    --grpc-swift-2_opt=Visibility=Public,ExtraModuleImports=SwiftProtobufPeer "${grpc_protos[@]}"
find "$grpc_tmp" -name '*.grpc.swift' | while read -r f; do
    rel="${f#"$grpc_tmp"/}"
    cp "$f" "$grpc_out/$(echo "$rel" | tr / _)"
done

echo "peers regenerated from ${#protos[@]} files"
