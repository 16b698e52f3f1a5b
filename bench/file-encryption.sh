#!/usr/bin/env bash
# File encryption benchmark: hsmkit against `openssl cms` and `age` on one large file, same machine,
# same run. Reports wall time (median of RUNS rounds, with the per-round ratios), peak RSS
# (/usr/bin/time -v) and the number of private-key operations hsmkit makes on a SoftHSM2 token
# (counted by OpenSC's pkcs11-spy, or gdb where that crashes).
#
#   bench/file-encryption.sh            # 1 GiB, 5 rounds
#   SIZE_MIB=256 RUNS=1 bench/file-encryption.sh
#
# Needs: java 17, maven (first build), openssl, age, softhsm2, opensc (pkcs11-tool, pkcs11-spy), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${SIZE_MIB:-1024}"
runs="${RUNS:-5}"
source "$root/bench/lib.sh"
bench_require java openssl age age-keygen softhsm2-util pkcs11-tool /usr/bin/time

# Build once (./hsmkit builds when needed, and prepares its class archive), then time the launcher
# exactly as users run it.
"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit")

bench_workdir
bench_token
echo "work dir: $work; input: ${size_mib} MiB of random bytes; $runs round(s)" >&2
age-keygen -o age.key 2>/dev/null
age_recipient="$(age-keygen -y age.key)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > plain.bin

# Rounds: every tool once per round, peers next to each other, so that a comparison holds when the
# shared machine's speed drifts; each output is removed before its run (an existing file would be
# truncated, which on ext4 makes close() start writing the whole file to disk).
for ((i = 0; i < runs; i++)); do
  rm -f openssl.p7m hsmkit.p7m age.age
  once openssl-encrypt openssl cms -encrypt -stream -binary -aes-256-gcm -in plain.bin -outform DER -out openssl.p7m cert.pem
  once hsmkit-encrypt "${hsmkit[@]}" encrypt -r cert.pem -o hsmkit.p7m plain.bin
  once age-encrypt age -r "$age_recipient" -o age.age plain.bin
  rm -f out.*
  once openssl-decrypt openssl cms -decrypt -binary -inform DER -in openssl.p7m -inkey key.pem -out out.openssl
  rm -f out.*
  once hsmkit-decrypt "${hsmkit[@]}" -t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt \
    decrypt -o out.hsmkit hsmkit.p7m
  rm -f out.*
  once age-decrypt age -d -i age.key -o out.age age.age
  echo "round $((i + 1)) of $runs done" >&2
done
declare -A wall
for label in "${!walls[@]}"; do
  wall[$label]="$(median <<<"${walls[$label]}")"
  printf '%-16s wall %s s   peak RSS %s KB\n' "$label" "${walls[$label]}" "${rsss[$label]}" >&2
done

# Correctness and the private-key operation count, once.
bench_count_operations -t "pkcs11:token=bench" --pin-file pin.txt --force decrypt -o out.check hsmkit.p7m
cmp -s plain.bin out.check || { echo "hsmkit decryption differs from the input" >&2; exit 1; }

echo
echo "Median of $runs rounds; in brackets the median, lowest and highest of the per-round ratios."
echo
echo "| ${size_mib} MiB file | hsmkit | openssl cms | age | hsmkit / openssl |"
echo "|---|---|---|---|---|"
echo "| encrypt, wall | ${wall[hsmkit-encrypt]} s | ${wall[openssl-encrypt]} s | ${wall[age-encrypt]} s | $(ratios hsmkit-encrypt openssl-encrypt) |"
echo "| decrypt, wall | ${wall[hsmkit-decrypt]} s | ${wall[openssl-decrypt]} s | ${wall[age-decrypt]} s | $(ratios hsmkit-decrypt openssl-decrypt); openssl takes $(awk -v a="${wall[openssl-decrypt]}" -v b="${wall[hsmkit-decrypt]}" 'BEGIN{printf "%.1f", a/b}')× as long |"
echo "| encrypt, peak RSS | $(peak_mb hsmkit-encrypt) MB | $(peak_mb openssl-encrypt) MB | $(peak_mb age-encrypt) MB | |"
echo "| decrypt, peak RSS | $(peak_mb hsmkit-decrypt) MB | $(peak_mb openssl-decrypt) MB | $(peak_mb age-decrypt) MB | |"
echo "| private-key operations on the token per decryption | $ops | | | |"
echo
echo "Operations counted with: $counter."
echo "hsmkit decrypts with the key in SoftHSM2 (PKCS#11); openssl and age use key files. CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
