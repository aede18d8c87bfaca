#!/usr/bin/env bash
# Runs every check and test of the project on a fresh Debian machine with Swift.
# Installs what it needs when run as root; otherwise prints the install line.
set -euo pipefail
cd "$(dirname "$0")/.."

phase_start=$(date +%s)
total_start=$phase_start
phase() {
    local now; now=$(date +%s)
    echo "::: phase done in $((now - phase_start))s"
    phase_start=$now
    echo
    echo "::: $*"
}

echo "::: dependencies"
apt_packages=(protobuf-compiler libprotobuf-dev protobuf-c-compiler libprotobuf-c-dev pkg-config libsqlite3-dev python3-venv)
source scripts/apt-need.sh
apt_need "${apt_packages[@]}"
# The committed python vectors were made with this version of python's protobuf. It
# goes into a virtual environment under the build folder: a stock Debian Python
# refuses a system-wide `pip install`.
python_protobuf=7.36.2
venv=.build/python-venv
python=$venv/bin/python3
if [[ $("$python" -c 'import google.protobuf; print(google.protobuf.__version__)' 2>/dev/null) != "$python_protobuf" ]]; then
    rm -rf "$venv"
    python3 -m venv "$venv" && "$python" -m pip install -q "protobuf==$python_protobuf" || {
        echo "could not make $venv with python's protobuf $python_protobuf" >&2
        exit 1
    }
fi
echo "python's protobuf $("$python" -c 'import google.protobuf; print(google.protobuf.__version__)') in $venv"
protoc --version

phase "schema compiles with protoc (python and protobuf-c)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t protos < <(find schema -name '*.proto' | sort)
protoc -I schema --python_out="$tmp" "${protos[@]}"
protoc -I schema --c_out="$tmp" "${protos[@]}"
echo "${#protos[@]} files compiled by protoc and protoc-c"

phase "generated code is current"
swift build --product protogen
swift run --skip-build protogen generate --check
swift run --skip-build protogen well-known --check
swift run --skip-build protogen generate --check --schema Tests/Support/schema \
    --out Tests/Support/ConformanceMessages/Generated --module ConformanceMessages --no-services
swift run --skip-build protogen docs --check
bash scripts/generate-c.sh --check
"$python" scripts/make-python-vectors.py --check
python3 scripts/make-examples.py --check

phase "contract review: protogen lint && protogen breaking (against schema-baseline/)"
swift run --skip-build protogen lint
swift run --skip-build protogen breaking

phase "protogen encode and decode, outside the checkout"
protogen="$(swift build --show-bin-path)/protogen"
schema_dir="$PWD/schema"
(
    cd "$tmp"
    echo '{"amount_minor": 1250, "currency": "CNY"}' | "$protogen" encode --schema "$schema_dir" --type protection.v1.Money >money.bin
    [[ $(od -An -tx1 money.bin | tr -d ' \n') == 08e2091203434e59 ]] || { echo "encode gave unexpected bytes" >&2; exit 1; }
    [[ $("$protogen" decode --schema "$schema_dir" --type protection.v1.Money <money.bin) == '{"amountMinor":"1250","currency":"CNY"}' ]] \
        || { echo "decode gave unexpected JSON" >&2; exit 1; }
    if echo '{"nope": 1}' | "$protogen" encode --schema "$schema_dir" --type protection.v1.Money >/dev/null 2>&1; then
        echo "encode accepted an unknown field" >&2
        exit 1
    fi
    echo "encode, decode and the unknown-field error work"
    # A folder holding only google/ files has nothing to generate: a clear error, not an empty module.
    mkdir -p google-only/google/protobuf
    printf 'syntax = "proto3";\npackage google.protobuf;\nmessage Empty {}\n' >google-only/google/protobuf/empty.proto
    if "$protogen" generate --schema google-only --out google-only-out --no-services 2>google-only.err; then
        echo "generate accepted a folder of google/ files only" >&2
        exit 1
    fi
    grep -q "every .proto file is under google/ (google/protobuf/empty.proto)" google-only.err \
        || { echo "no clear error for a google/-only folder:" >&2; cat google-only.err >&2; exit 1; }
    [[ ! -e google-only-out ]] || { echo "generate wrote output for a google/-only folder" >&2; exit 1; }
    echo "a folder of google/ files only is refused, naming its files"
)

phase "protogen on schemas no one here wrote: Debian's libprotobuf-dev protos"
bash scripts/foreign-protos.sh "$protogen" "$(swift build --show-bin-path)/Modules"

phase "build tests"
swift build --build-tests

phase "tests"
swift test --skip-build 2>&1 | tee "$tmp/test.log"

phase "interop: python client written from docs/PROTOCOL.md"
# The toy service over TCP, answering a stdlib-only client written from the protocol
# document alone. The server stops when its stdin closes.
interop_server="$(swift build --show-bin-path)/InteropServer"
[[ -x $interop_server ]] || { echo "missing $interop_server (built by \"build tests\")" >&2; exit 1; }
interop_dir=$(mktemp -d -p "$tmp")
mkfifo "$interop_dir/stdin"
"$interop_server" <"$interop_dir/stdin" >"$interop_dir/stdout" &
interop_pid=$!
exec {interop_stdin}>"$interop_dir/stdin"
stop_interop_server() {
    exec {interop_stdin}>&-
    for _ in $(seq 100); do
        kill -0 "$interop_pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$interop_pid" 2>/dev/null && { echo "InteropServer did not stop; killing it" >&2; kill -KILL "$interop_pid"; }
    wait "$interop_pid"
}
interop_port=
for _ in $(seq 150); do
    interop_port=$(sed -n '1s/^listening \([0-9][0-9]*\)$/\1/p' "$interop_dir/stdout")
    [[ -n $interop_port ]] && break
    kill -0 "$interop_pid" 2>/dev/null || break
    sleep 0.2
done
if [[ -z $interop_port ]]; then
    echo "InteropServer did not report its port within 30 s" >&2
    kill -KILL "$interop_pid" 2>/dev/null || true
    exit 1
fi
client_status=0
python3 Tests/interop/client.py 127.0.0.1 "$interop_port" || client_status=$?
server_status=0
stop_interop_server || server_status=$?
((client_status == 0)) || { echo "interop client failed" >&2; exit 1; }
((server_status == 0)) || { echo "InteropServer exited with status $server_status" >&2; exit 1; }

phase "service and CLI: protection-server, and protectionctl with no local schema"
bash scripts/cli-check.sh

phase "fuzz: frame and message decoders, the connection state machine, proto3 JSON, the schema parser; 30 s each"
# Own scratch path, so neither build undoes the other. New inputs go to a temporary
# folder (the first one given); the committed seeds stay as they are. Any crash fails.
# Leak detection is off: Swift keeps enum payloads' pointers in spare bits, which
# LeakSanitizer cannot follow (parsed schemas read as leaked); memory stays bounded by
# libFuzzer's RSS limit.
for fuzzer in FuzzFrameDecoder FuzzMessageDecoder FuzzConnection FuzzJSON FuzzSchemaParser; do
    # The schema parser is also seeded with the schemas themselves (read in place, not copied).
    extra_seeds=()
    [[ $fuzzer == FuzzSchemaParser ]] && extra_seeds=(schema Tests/Support/schema)
    swift build -c debug --scratch-path .build-fuzz --product "$fuzzer" \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address 2>&1 \
        | { grep -v 'ld.gold: warning: Cannot export local symbol' || true; }
    ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no ".build-fuzz/debug/$fuzzer" -max_total_time=30 -detect_leaks=0 \
        "$(mktemp -d -p "$tmp")" "Fuzz/corpus/$fuzzer" "${extra_seeds[@]}" 2>&1 \
        | { grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' || true; }
done

phase "summary"
echo "all checks passed in $(( $(date +%s) - total_start ))s"
