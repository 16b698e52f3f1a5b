#!/usr/bin/env bash
# File encryption benchmark: hsmkit against `openssl cms` and `age` on one large file, same machine,
# same run. Reports wall time (median of RUNS rounds, with per-round ratios), peak RSS (/usr/bin/time -v) and the number of
# private-key operations hsmkit makes on a SoftHSM2 token (counted by OpenSC's pkcs11-spy).
#
#   bench/file-encryption.sh            # 1 GiB, 5 rounds
#   SIZE_MIB=256 RUNS=1 bench/file-encryption.sh
#
# Needs: java 17, maven (first build), openssl, age, softhsm2, opensc (pkcs11-tool, pkcs11-spy), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${SIZE_MIB:-1024}"
runs="${RUNS:-5}"
work="$(mktemp -d "${TMPDIR:-/tmp}/hsmkit-bench.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

for tool in java openssl age age-keygen softhsm2-util pkcs11-tool /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
softhsm_module=""
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/pkcs11/libsofthsm2.so; do
  [[ -f "$m" ]] && softhsm_module="$m" && break
done
spy_module=""
for m in /usr/lib/x86_64-linux-gnu/pkcs11-spy.so /usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so /usr/lib64/pkcs11-spy.so; do
  [[ -f "$m" ]] && spy_module="$m" && break
done
[[ -n "$softhsm_module" && -n "$spy_module" ]] || { echo "missing: SoftHSM2 module or pkcs11-spy" >&2; exit 2; }

# Build once (./hsmkit builds when needed, and prepares its class archive), then time the launcher
# exactly as users run it.
"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit")
# the same program as a plain JVM command line, for gdb (which cannot start a shell script)
hsmkit_jvm=(java -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" org.hsmkit.cli.Main)

cd "$work"
echo "work dir: $work; input: ${size_mib} MiB of random bytes; $runs round(s)" >&2
openssl req -x509 -newkey rsa:3072 -nodes -keyout key.pem -out cert.pem -subj "/CN=hsmkit bench" -days 2 \
  -addext keyUsage=keyEncipherment,digitalSignature 2>/dev/null
openssl x509 -in cert.pem -outform DER -out cert.der
openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8
age-keygen -o age.key 2>/dev/null
age_recipient="$(age-keygen -y age.key)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > plain.bin

# A SoftHSM2 token holding the same RSA key and its certificate.
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" > softhsm2.conf
export SOFTHSM2_CONF="$work/softhsm2.conf"
softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 123456 >/dev/null
softhsm2-util --import key.p8 --token bench --label bench --id 01 --pin 123456 >/dev/null
pkcs11-tool --module "$softhsm_module" --token-label bench --login --pin 123456 \
  --write-object cert.der --type cert --id 01 --label bench >/dev/null
printf '123456\n' > pin.txt

# once LABEL CMD... : runs CMD once under GNU time, appending its wall time and peak RSS to LABEL's lists
declare -A walls rsss
once() {
  local label="$1"; shift
  # flush earlier runs' dirty pages so that no command pays for another's write-back
  sync
  /usr/bin/time -v -o "time.txt" "$@" >/dev/null 2>"stderr.txt" || { cat stderr.txt time.txt >&2; echo "failed: $label" >&2; exit 1; }
  local w r
  w="$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' time.txt | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  r="$(awk -F': ' '/Maximum resident set size/{print $2}' time.txt)"
  walls[$label]+="$w "; rsss[$label]+="$r "
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }
# ratios A B: the per-round ratios of two labels' wall times, as "median (min–max)"
ratios() {
  paste -d' ' <(tr ' ' '\n' <<<"${walls[$1]}" | grep .) <(tr ' ' '\n' <<<"${walls[$2]}" | grep .) \
    | awk '{print $1/$2}' | sort -g | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
        printf "%.2f× (%.2f–%.2f)", m, v[1], v[NR] }'
}

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
declare -A wall rss
for label in "${!walls[@]}"; do
  wall[$label]="$(median <<<"${walls[$label]}")"
  rss[$label]="$(median <<<"${rsss[$label]}")"
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
echo "| encrypt, peak RSS | $((rss[hsmkit-encrypt] / 1024)) MB | $((rss[openssl-encrypt] / 1024)) MB | $((rss[age-encrypt] / 1024)) MB | |"
echo "| decrypt, peak RSS | $((rss[hsmkit-decrypt] / 1024)) MB | $((rss[openssl-decrypt] / 1024)) MB | $((rss[age-decrypt] / 1024)) MB | |"
echo "| private-key operations on the token per decryption | $ops | | | |"
echo
echo "Operations counted with: $counter."
echo "hsmkit decrypts with the key in SoftHSM2 (PKCS#11); openssl and age use key files. CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
