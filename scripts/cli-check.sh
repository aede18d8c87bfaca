#!/usr/bin/env bash
# protection-server on a free port, and protectionctl calling it with no local
# schema and the development credentials it wrote: list, describe, health, a JSON
# call, the errors for a bad request, an unknown method, no token, a role the rpc
# does not declare and a token revoked by `protection-server tokens`; then
# SIGTERM, which must drain and exit 0.
set -euo pipefail
bin="$(swift build --show-bin-path)"
for tool in protection-server protectionctl; do
    [[ -x $bin/$tool ]] || { echo "missing $bin/$tool (built by \"build tests\")" >&2; exit 1; }
done
dir=$(mktemp -d)
"$bin/protection-server" --port 0 --data-dir "$dir/data" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
port=
for _ in $(seq 150); do
    port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$dir/out")
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
[[ -n $port ]] || { echo "protection-server did not report its port" >&2; cat "$dir/err" >&2; exit 1; }
ctl() { "$bin/protectionctl" "$@" --address "127.0.0.1:$port"; }
expect() { # expect NAME PATTERN TEXT
    grep -qF -- "$2" <<<"$3" || { echo "FAIL $1: wanted '$2' in:" >&2; echo "$3" >&2; exit 1; }
    echo "ok   $1"
}
token() { # token ROLE PRINCIPAL: the development credential's token
    python3 -c 'import json,sys; print(next(c["token"] for c in json.load(open(sys.argv[1]))["credentials"] if c["role"] == sys.argv[2] and c["principal_id"] == sys.argv[3]))' "$dir/data/credentials.json" "$1" "$2"
}
[[ $(stat -c %a "$dir/data/credentials.json") == 600 ]] || { echo "FAIL credentials.json is not mode 0600" >&2; exit 1; }
echo "ok   the development credentials are mode 0600"
if out=$(ctl list 2>&1); then echo "FAIL a call without a token" >&2; exit 1; fi
expect "a call without a token is UNAUTHENTICATED" "UNAUTHENTICATED: The call has no credential" "$out"
export PROTECTION_TOKEN=$(token internal_service order-service)

expect "list shows the served methods" "protection.v1.HealthService/WatchHealth  serverStreaming" "$(ctl list)"
expect "list shows the schema hash" "schema sha256 $(sed -n 's/.*static let hash = "\(.*\)"/\1/p' Sources/ProtectionMessages/Generated/ProtectionMessages+Schema.swift)" "$(ctl list)"
expect "describe a message" "string service = 1;  // JSON: service" "$(ctl describe CheckHealthRequest)"
expect "health: ready" '{"status":"SERVING_STATUS_SERVING"}' "$(ctl health)"
expect "a JSON call" '{"status":"SERVING_STATUS_SERVING"}' \
    "$(ctl call HealthService/CheckHealth '{"service": "protection.v1.ReflectionService", "probe": "HEALTH_PROBE_LIVENESS"}')"
if out=$(ctl call HealthService/CheckHealth '{"servce": "x"}' 2>&1); then echo "FAIL bad JSON accepted" >&2; exit 1; fi
expect "a bad request names the field" 'INVALID_ARGUMENT: Request 1 is not a valid protection.v1.CheckHealthRequest: servce' "$out"
if out=$(ctl call HealthService/CheckHealth '{"service": "protection.v1.Nope"}' 2>&1); then echo "FAIL unknown service" >&2; exit 1; fi
expect "an unknown service is NOT_FOUND" "NOT_FOUND" "$out"
if out=$(ctl call IntegrityService/FileComplaint '{}' 2>&1); then echo "FAIL a role the rpc does not declare" >&2; exit 1; fi
expect "a role the rpc does not declare is PERMISSION_DENIED" "PERMISSION_DENIED: The role internal_service may not call FileComplaint" "$out"
merchant=(--token "$(token merchant M-1)")
if out=$(ctl call IntegrityService/FileComplaint '{"orderId": "O-1"}' "${merchant[@]}" 2>&1); then echo "FAIL a request without a key" >&2; exit 1; fi
expect "a missing field is INVALID_ARGUMENT naming it" "INVALID_ARGUMENT: idempotency_key is required" "$out"
expect "the rule set in force is the shipped default" '"version":"1"' \
    "$(ctl call RuleSetService/GetRuleSet '{}' "${merchant[@]}")"
expect "tokens list shows credentials, never a token" "active  merchant  M-1  development credential" \
    "$("$bin/protection-server" tokens list --data-dir "$dir/data")"
[[ $("$bin/protection-server" tokens list --data-dir "$dir/data") != *mpt.* ]] || { echo "FAIL tokens list shows a token" >&2; exit 1; }
if out=$("$bin/protection-server" tokens list --data-dir "$dir/nowhere" 2>&1); then echo "FAIL tokens on no store" >&2; exit 1; fi
expect "tokens on a folder without a store is refused" "No store at" "$out"
[[ ! -e $dir/nowhere ]] || { echo "FAIL tokens created a store" >&2; exit 1; }
m1=$(python3 -c 'import json,sys; print(next(c["credential_id"] for c in json.load(open(sys.argv[1]))["credentials"] if c["principal_id"] == "M-1"))' "$dir/data/credentials.json")
"$bin/protection-server" tokens revoke "$m1" --reason "cli check" --data-dir "$dir/data" >/dev/null
sleep 2 # the running server reads other processes' credential changes every second
if out=$(ctl call RuleSetService/GetRuleSet '{}' "${merchant[@]}" 2>&1); then echo "FAIL a revoked token" >&2; exit 1; fi
expect "a token revoked by 'tokens revoke' fails on the running server" "UNAUTHENTICATED: The token was revoked." "$out"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
((status == 0)) || { echo "protection-server exited with $status after SIGTERM" >&2; cat "$dir/err" >&2; exit 1; }
expect "SIGTERM drains" "draining" "$(cat "$dir/err")"

# TLS: mutual TLS with the test certificates; a plain client and a client without
# a certificate fail cleanly; plain TCP off loopback needs --insecure.
tls=Tests/Support/tls
"$bin/protection-server" --port 0 --data-dir "$dir/tls" --tls-cert $tls/server.pem --tls-key $tls/server.key \
    --tls-client-ca $tls/ca.pem >"$dir/tls-out" 2>"$dir/tls-err" &
pid=$!
port=
for _ in $(seq 150); do
    port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$dir/tls-out")
    [[ -n $port ]] && break
    sleep 0.2
done
[[ -n $port ]] || { echo "the TLS server did not report its port" >&2; cat "$dir/tls-err" >&2; exit 1; }
export PROTECTION_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentials"][0]["token"])' "$dir/tls/credentials.json")
expect "a call over mutual TLS" '{"status":"SERVING_STATUS_SERVING"}' \
    "$(ctl health --tls-ca $tls/ca.pem --tls-cert $tls/client.pem --tls-key $tls/client.key)"
if out=$(ctl health --timeout 3 2>&1); then echo "FAIL a plain client got an answer from a TLS server" >&2; exit 1; fi
expect "a plain client against a TLS server is UNAVAILABLE" "UNAVAILABLE" "$out"
if out=$(ctl health --tls-ca $tls/ca.pem --timeout 3 2>&1); then echo "FAIL a client without a certificate" >&2; exit 1; fi
expect "a client without a certificate is UNAVAILABLE" "UNAVAILABLE" "$out"
expect "the TLS server keeps serving" '{"status":"SERVING_STATUS_SERVING"}' \
    "$(ctl health --tls-ca $tls/ca.pem --tls-cert $tls/client.pem --tls-key $tls/client.key)"
kill -TERM "$pid"
wait "$pid" || { echo "the TLS server did not drain" >&2; exit 1; }
if out=$("$bin/protection-server" --host 0.0.0.0 --port 0 --data-dir "$dir/open" 2>&1); then
    echo "FAIL plain TCP on 0.0.0.0 without --insecure" >&2; exit 1
fi
expect "plain TCP off loopback needs --insecure" "without TLS sends tokens in the clear" "$out"
