#!/usr/bin/env bash
# S/MIME throughput: hsmkit (one JVM, RSA-2048 key on a SoftHSM2 token) against openssl
# (one process per step, key in a PEM file) on the same messages.
#   bench/smime.sh [COUNT] [SIZE_BYTES]      default 1000 messages of 51200 bytes
#   ROUNDS=5 bench/smime.sh 100 1048576     hsmkit: one warm-up round, then ROUNDS measured rounds
#                                           of COUNT messages (medians); openssl: one loop each way
# Needs: JDK 17, Maven (first build), softhsm2, openssl. JAVA_OPTS goes to the JVM (for example
# JAVA_OPTS=-XX:StartFlightRecording=filename=smime.jfr,settings=profile to profile with JFR, or
# JAVA_OPTS="-XX:+UseSerialGC -XX:+UseTransparentHugePages", one of the settings compared in docs/smime.md
# for large messages: with the JVM's defaults, 1 MB runs vary with G1's page faults).
set -euo pipefail
count="${1:-1000}"
size="${2:-51200}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/hsmkit" --version >/dev/null   # builds the CLI and its libraries when needed

module=""
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
  [[ -f "$m" ]] && module="$m" && break
done
[[ -n "$module" ]] || { echo "softhsm2 is not installed" >&2; exit 1; }

cd "$work"
# a root CA and an RSA-2048 e-mail certificate
openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=bench root" \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout user.key -out user.csr -subj "/CN=bench/emailAddress=bench@hsmkit.test" 2>/dev/null
printf 'subjectAltName=email:bench@hsmkit.test\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n' > ext
openssl x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext -out user.pem 2>/dev/null
openssl pkcs12 -export -inkey user.key -in user.pem -certfile ca.pem -passout pass:bench -out user.p12

# a throwaway SoftHSM2 token
export SOFTHSM2_CONF="$work/softhsm2.conf"
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 123456 >/dev/null
export BENCH_PIN=123456

echo "== hsmkit: $count messages of $size bytes, one JVM, key on SoftHSM2 (AES-256-GCM, RSA-OAEP, SHA-256 RSA signature)"
java ${JAVA_OPTS:-} -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" "$root/bench/smime-bench.java" \
  "$module" bench user.p12 bench ca.pem "$count" "$size" "${ROUNDS:-5}"

# the same content for openssl
python3 - "$size" > body.txt <<'PY'
import sys
size = int(sys.argv[1]); line = "x" * 76 + "\r\n"
print("Content-Type: text/plain; charset=us-ascii\r\n\r\n" + (line * (size // len(line) + 1))[:size], end="")
PY

echo "== openssl cms: $count messages of $size bytes, one process per step, key in a PEM file (AES-256-GCM, RSA-OAEP)"
start=$(date +%s.%N)
for i in $(seq "$count"); do
  openssl cms -sign -signer user.pem -inkey user.key -certfile ca.pem -in body.txt -from bench@hsmkit.test -to bench@hsmkit.test \
    | openssl cms -encrypt -aes-256-gcm -recip user.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -out "m$((i % 10)).eml"
done
mid=$(date +%s.%N)
for i in $(seq "$count"); do
  openssl cms -decrypt -recip user.pem -inkey user.key -in "m$((i % 10)).eml" \
    | openssl cms -verify -CAfile ca.pem -out /dev/null 2>/dev/null
done
end=$(date +%s.%N)
python3 - "$count" "$size" "$start" "$mid" "$end" <<'PY'
import sys
n, size, a, b, c = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"openssl sign+encrypt   {n} msgs of {size} bytes: {b-a:.2f} s, {n/(b-a):.1f} msgs/s")
print(f"openssl decrypt+verify {n} msgs of {size} bytes: {c-b:.2f} s, {n/(c-b):.1f} msgs/s")
PY
