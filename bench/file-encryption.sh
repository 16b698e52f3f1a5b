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
spy_module=""
for m in /usr/lib/x86_64-linux-gnu/pkcs11-spy.so /usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so /usr/lib64/pkcs11-spy.so; do
  [[ -f "$m" ]] && spy_module="$m" && break
done
[[ -n "$spy_module" ]] || { echo "missing: OpenSC's pkcs11-spy" >&2; exit 2; }

# Build once (./hsmkit builds when needed, and prepares its class archive), then time the launcher
# exactly as users run it.
"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit")
# the same program as a plain JVM command line, for gdb (which cannot start a shell script)
hsmkit_jvm=(java -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" org.hsmkit.cli.Main)

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

# Correctness and the private-key operation count, once. First choice: OpenSC's pkcs11-spy in front of
# SoftHSM2. pkcs11-spy of OpenSC before 0.26 crashes in C_GetInterfaceList when the module behind it is
# PKCS#11 2.x (SoftHSM2 2.6); then gdb counts the calls into SoftHSM2's private-key functions instead.
counter="pkcs11-spy"
if PKCS11SPY="$softhsm_module" PKCS11SPY_OUTPUT="$work/spy.log" "${hsmkit[@]}" -t "pkcs11:token=bench" --module "$spy_module" \
    --pin-file pin.txt --force decrypt -o out.check hsmkit.p7m >/dev/null 2>&1; then
  ops="$(grep -cE '^[0-9]+: C_(Decrypt|DeriveKey|Sign|UnwrapKey)$' spy.log || true)"
else
  command -v gdb >/dev/null || { echo "pkcs11-spy failed and gdb is missing: cannot count operations" >&2; exit 2; }
  counter="gdb breakpoints on SoftHSM2's C_Decrypt/C_DeriveKey/C_Sign/C_UnwrapKey (pkcs11-spy $(dpkg-query -W -f='${Version}' opensc 2>/dev/null) crashed)"
  {
    echo "set pagination off"; echo "handle all nostop noprint pass"; echo "set breakpoint pending on"
    for f in C_Decrypt C_DeriveKey C_Sign C_UnwrapKey; do
      printf 'break %s\ncommands\nsilent\nprintf "PRIVATE-KEY-OP %s\\n"\ncontinue\nend\n' "$f" "$f"
    done
    echo "run"
  } > count.gdb
  gdb -q -batch -x count.gdb --args "${hsmkit_jvm[@]}" -t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt \
    --force decrypt -o out.check hsmkit.p7m > gdb.log 2>&1
  ops="$(grep -c '^PRIVATE-KEY-OP' gdb.log || true)"
fi
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
