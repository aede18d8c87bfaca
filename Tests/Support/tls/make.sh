#!/usr/bin/env bash
# Test-only certificates (never used outside tests): a CA, a server certificate
# for localhost and 127.0.0.1, a client certificate the CA signed, and a client
# certificate from another CA. Valid for 100 years. Regenerate with this script.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }
ec ca.key
openssl req -x509 -new -key ca.key -sha256 -days $days -subj "/CN=merchant-protection test CA" -out ca.pem
ec server.key
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -sha256 -extfile server.ext -out server.pem
ec client.key
openssl req -new -key client.key -subj "/CN=order-service" -out client.csr
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $days -sha256 -extfile client.ext -out client.pem
ec other-ca.key
openssl req -x509 -new -key other-ca.key -sha256 -days $days -subj "/CN=another CA" -out other-ca.pem
ec stranger.key
openssl req -new -key stranger.key -subj "/CN=stranger" -out stranger.csr
openssl x509 -req -in stranger.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days $days -sha256 -extfile client.ext -out stranger.pem
rm -f ./*.csr ./*.ext ./*.srl ca.key other-ca.key
