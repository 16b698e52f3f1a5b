#!/usr/bin/env bash
# Recipient re-wrap benchmark: `hsmkit rewrap` (add one recipient) of one large encrypted file against
# re-encryption (`hsmkit decrypt` then `hsmkit encrypt`, and `hsmkit rewrap --reencrypt` in one pass)
# and against `cp` of the same file, same machine, same run. The key that opens the file is on
# SoftHSM2. Reports wall time (median of RUNS rounds, per-round ratios) and peak RSS (/usr/bin/time -v).
#
#   bench/rewrap.sh                     # 1 GiB, 3 rounds
#   SIZE_MIB=256 RUNS=1 bench/rewrap.sh
#
# Needs: java 17, maven (first build), openssl, softhsm2, opensc (pkcs11-tool), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${SIZE_MIB:-1024}"
runs="${RUNS:-3}"
source "$root/bench/lib.sh"
bench_require java openssl softhsm2-util pkcs11-tool /usr/bin/time
"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit")

bench_workdir
bench_token
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout new.key -out new.pem -subj "/CN=new colleague" \
  -days 2 -addext keyUsage=keyAgreement 2>/dev/null
echo "work dir: $work; input: ${size_mib} MiB of random bytes, encrypted with AES-256-GCM; $runs round(s)" >&2
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > plain.bin
"${hsmkit[@]}" -q encrypt -r cert.pem -o file.p7m plain.bin
rm plain.bin

for ((i = 0; i < runs; i++)); do
  rm -f copy.p7m
  once cp cp file.p7m copy.p7m
  rm -f copy.p7m rewrapped.p7m
  once rewrap "${hsmkit[@]}" "${token[@]}" rewrap --add-recipient new.pem -o rewrapped.p7m file.p7m
  rm -f rewrapped.p7m reencrypted.p7m
  once reencrypt "${hsmkit[@]}" "${token[@]}" rewrap --reencrypt --add-recipient new.pem -o reencrypted.p7m file.p7m
  rm -f reencrypted.p7m
  # decrypt + encrypt as two commands, timed together
  once decrypt+encrypt bash -c "$(printf '%q ' "${hsmkit[@]}" "${token[@]}") decrypt -o plain.out file.p7m && \
    $(printf '%q ' "${hsmkit[@]}") encrypt -r cert.pem -r new.pem -o reencrypted2.p7m plain.out && rm plain.out reencrypted2.p7m"
  echo "round $((i + 1)) of $runs done" >&2
done

# Correctness, once: the new recipient decrypts the re-wrapped file with openssl.
"${hsmkit[@]}" "${token[@]}" -q rewrap --add-recipient new.pem -o check.p7m file.p7m
openssl cms -decrypt -binary -inform DER -in check.p7m -recip new.pem -inkey new.key -out check.out
[[ "$(stat -c %s check.out)" == "$((size_mib * 1024 * 1024))" ]] || { echo "the new recipient cannot decrypt" >&2; exit 1; }
rm -f check.out check.p7m

printf '\n%-16s %10s %12s %16s\n' "command" "wall (s)" "peak RSS MB" "vs cp"
for label in cp rewrap reencrypt decrypt+encrypt; do
  printf '%-16s %10s %12s %16s\n' "$label" "$(median <<<"${walls[$label]}")" "$(peak_mb "$label")" "$(ratios "$label" cp)"
done
printf '\nrewrap vs decrypt+encrypt: %s of the time\n' "$(ratios rewrap decrypt+encrypt)"
