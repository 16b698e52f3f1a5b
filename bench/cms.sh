#!/usr/bin/env bash
# CMS file encryption as a library: CmsEncryptor / CmsDecryptor in one JVM (RSA-3072 key on a
# SoftHSM2 token, AES-256-GCM, RSA-OAEP) against `openssl cms` with a key file, one process per
# operation, on the same payload size in the same run.
#   bench/cms.sh [COUNT] [SIZE_BYTES]      default 2000 payloads of 4096 bytes
# Needs: JDK 17, Maven (first build), softhsm2, opensc (pkcs11-tool), openssl.
set -euo pipefail
count="${1:-2000}"
size="${2:-4096}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
bench_require java openssl softhsm2-util pkcs11-tool
"$root/hsmkit" --version >/dev/null   # builds the CLI and its libraries when needed
bench_workdir
bench_token
export BENCH_PIN=123456

echo "== hsmkit: $count payloads of $size bytes in one JVM, key on SoftHSM2"
java -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" "$root/bench/cms-bench.java" "$softhsm_module" bench "$count" "$size"

head -c "$size" /dev/urandom > plain.bin
# openssl's loop is slow: a tenth of the count gives its rate as well
n=$(( count / 10 > 50 ? count / 10 : 50 ))
echo "== openssl cms: $n payloads of $size bytes, one process per operation, key in a PEM file"
start=$EPOCHREALTIME
for ((i = 0; i < n; i++)); do
  openssl cms -encrypt -aes-256-gcm -recip cert.pem -keyopt rsa_padding_mode:oaep -binary -in plain.bin -outform DER -out "c$((i % 10)).der"
done
mid=$EPOCHREALTIME
for ((i = 0; i < n; i++)); do
  openssl cms -decrypt -inform DER -in "c$((i % 10)).der" -recip cert.pem -inkey key.pem -binary -out out.bin
done
end=$EPOCHREALTIME
awk -v n="$n" -v s="$size" -v a="$start" -v b="$mid" -v c="$end" 'BEGIN {
  printf "openssl encrypt %d x %d bytes: %.2f s, %.0f ops/s\n", n, s, b - a, n / (b - a);
  printf "openssl decrypt %d x %d bytes: %.2f s, %.0f ops/s\n", n, s, c - b, n / (c - b) }'
