#!/usr/bin/env bash
# Start-up benchmark: one small file through ./hsmkit (as users run it, with the key in SoftHSM2)
# against `openssl cms` (key in a PEM file), in rounds on the same machine. What it shows is the fixed
# cost of each command: JVM start, class loading, PKCS#11 initialisation and login.
#
#   bench/startup.sh            # 10 rounds
#   RUNS=20 bench/startup.sh
#
# Needs: java 17, maven (first build), openssl, softhsm2, opensc (pkcs11-tool), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-10}"
source "$root/bench/lib.sh"
bench_require java openssl softhsm2-util pkcs11-tool /usr/bin/time
"$root/hsmkit" --version >/dev/null # builds when needed and prepares the class archive
hsmkit=("$root/hsmkit" -q)
bench_workdir
bench_token
head -c 1024 /dev/urandom > small.bin
# verify checks a signature whose signer has a certificate from a CA, the usual case
openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -subj "/CN=hsmkit bench CA" -days 2 \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -key key.pem -subj "/CN=hsmkit bench signer" -out ee.csr 2>/dev/null
printf 'keyUsage=critical,digitalSignature\n' > ee.ext
openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ee.ext -out ee.pem 2>/dev/null
openssl cms -sign -binary -md sha256 -in small.bin -signer ee.pem -inkey key.pem -outform DER -out ca-signed.p7s
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
echo "work dir: $work; a 1 KiB file; $runs round(s)" >&2

for ((i = 0; i < runs; i++)); do
  rm -f small.bin.p7m o.p7m out.* small.bin.p7s o.p7s
  once openssl-encrypt openssl cms -encrypt -binary -aes-256-gcm -in small.bin -outform DER -out o.p7m cert.pem
  once hsmkit-encrypt "${hsmkit[@]}" encrypt -r cert.pem -o small.bin.p7m small.bin
  once openssl-decrypt openssl cms -decrypt -binary -inform DER -in o.p7m -inkey key.pem -out out.openssl
  once hsmkit-decrypt "${hsmkit[@]}" "${token[@]}" decrypt -o out.hsmkit small.bin.p7m
  once openssl-sign openssl cms -sign -binary -md sha256 -in small.bin -signer cert.pem -inkey key.pem -outform DER -out o.p7s
  once hsmkit-sign "${hsmkit[@]}" "${token[@]}" sign --key bench -o small.bin.p7s small.bin
  once openssl-verify openssl cms -verify -binary -inform DER -in ca-signed.p7s -content small.bin -CAfile ca.pem -out /dev/null
  once hsmkit-verify "${hsmkit[@]}" verify --trust ca.pem --content small.bin ca-signed.p7s
done
cmp -s small.bin out.hsmkit || { echo "hsmkit decryption differs from the input" >&2; exit 1; }

echo
echo "Median of $runs rounds; in brackets the median, lowest and highest of the per-round ratios."
echo
echo "| 1 KiB file | hsmkit (key in SoftHSM2) | openssl cms (key file) | hsmkit / openssl | hsmkit peak RSS |"
echo "|---|---|---|---|---|"
for op in encrypt decrypt sign verify; do
  echo "| $op | $(median <<<"${walls[hsmkit-$op]}") s | $(median <<<"${walls[openssl-$op]}") s | $(ratios "hsmkit-$op" "openssl-$op") | $(peak_mb "hsmkit-$op") MB |"
done
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(java -version 2>&1 | head -1)."
