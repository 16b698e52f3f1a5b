#!/usr/bin/env bash
# Batch benchmark: many files in one hsmkit run against a shell loop of `openssl cms` and of `age`
# (one process per file), same machine, same run. Sets: SMALL_COUNT files of 4 KiB and BIG_COUNT files
# of 1 MiB, encrypted and decrypted (hsmkit decrypts with the key in SoftHSM2, one login for the whole
# batch; openssl and age use key files); and `pdf sign` of PDF_COUNT PDFs at B-B, one batch run against
# a loop of single `hsmkit pdf sign` runs. Medians of RUNS rounds, ratios per round. Also counts the
# logins and private-key operations of one batch decryption of the 1 MiB set.
#
#   bench/batch.sh                      # 1000 x 4 KiB, 100 x 1 MiB, 100 PDFs, 3 rounds
#   SMALL_COUNT=100 BIG_COUNT=10 PDF_COUNT=10 RUNS=1 bench/batch.sh
#   BENCH_KEY=p256 bench/batch.sh        # the key an elliptic-curve one (default RSA-3072)
#
# Needs: java 17, maven (first build), openssl, age, softhsm2, opensc (pkcs11-tool, pkcs11-spy), gdb, GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
small_count="${SMALL_COUNT:-1000}"
big_count="${BIG_COUNT:-100}"
pdf_count="${PDF_COUNT:-100}"
runs="${RUNS:-3}"
source "$root/bench/lib.sh"
bench_require java openssl age age-keygen softhsm2-util pkcs11-tool /usr/bin/time
"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit")
hsmkit_jvm=(java -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" org.hsmkit.cli.Main)
pdf="$root/testdata/src/main/resources/pdf-corpus/pdfbox-sign_me.pdf"

bench_workdir
bench_token
echo "work dir: $work; $small_count x 4 KiB, $big_count x 1 MiB, $pdf_count PDFs; $runs round(s)" >&2
age-keygen -o age.key 2>/dev/null
age_recipient="$(age-keygen -y age.key)"
mkdir small big pdfs
for ((i = 0; i < small_count; i++)); do head -c 4096 /dev/urandom > "small/f$i.bin"; done
for ((i = 0; i < big_count; i++)); do head -c 1048576 /dev/urandom > "big/f$i.bin"; done
for ((i = 0; i < pdf_count; i++)); do cp "$pdf" "pdfs/d$i.pdf"; done
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
export hsmkit_launcher="$root/hsmkit" age_recipient softhsm_module

for ((i = 0; i < runs; i++)); do
  for set in small big; do
    rm -rf "enc-o" "enc-h" "enc-a" "dec-o" "dec-h" "dec-a"; mkdir enc-o enc-a dec-o dec-a
    once "$set-openssl-encrypt" bash -c 'for f in '"$set"'/*; do
        openssl cms -encrypt -binary -aes-256-gcm -in "$f" -outform DER -out "enc-o/${f##*/}.p7m" cert.pem; done'
    once "$set-hsmkit-encrypt" "${hsmkit[@]}" encrypt -r cert.pem --output-dir enc-h "$set"/*
    once "$set-age-encrypt" bash -c 'for f in '"$set"'/*; do age -r "$age_recipient" -o "enc-a/${f##*/}.age" "$f"; done'
    once "$set-openssl-decrypt" bash -c 'for f in enc-o/*; do
        openssl cms -decrypt -binary -inform DER -in "$f" -inkey key.pem -out "dec-o/$(basename "$f" .p7m)"; done'
    once "$set-hsmkit-decrypt" "${hsmkit[@]}" "${token[@]}" decrypt --output-dir dec-h enc-h/*
    once "$set-age-decrypt" bash -c 'for f in enc-a/*; do age -d -i age.key -o "dec-a/$(basename "$f" .age)" "$f"; done'
    for f in "$set"/*; do cmp -s "$f" "dec-h/${f##*/}" || { echo "hsmkit batch output differs: $f" >&2; exit 1; }; done
  done
  rm -rf signed-h signed-l; mkdir signed-l
  once pdf-hsmkit-batch "${hsmkit[@]}" "${token[@]}" pdf sign --key bench --output-dir signed-h pdfs/*
  once pdf-hsmkit-loop bash -c 'for f in pdfs/*; do "$hsmkit_launcher" -t "pkcs11:token=bench" --module "$softhsm_module" \
      --pin-file pin.txt pdf sign --key bench -o "signed-l/${f##*/}" "$f"; done'
  echo "round $((i + 1)) of $runs done" >&2
done
declare -A wall
for label in "${!walls[@]}"; do
  wall[$label]="$(median <<<"${walls[$label]}")"
done

# Logins and private-key operations of one batch decryption, counted by gdb breakpoints on SoftHSM2's
# functions (pkcs11-spy of OpenSC before 0.26 crashes in front of SoftHSM2 2.6).
logins="not counted"; ops="not counted"
if command -v gdb >/dev/null; then
  {
    echo "set pagination off"; echo "handle all nostop noprint pass"; echo "set breakpoint pending on"
    for f in C_Login C_Decrypt C_DeriveKey C_Sign C_UnwrapKey; do
      printf 'break %s\ncommands\nsilent\nprintf "CALL %s\\n"\ncontinue\nend\n' "$f" "$f"
    done
    echo "run"
  } > count.gdb
  rm -rf dec-count
  gdb -q -batch -x count.gdb --args "${hsmkit_jvm[@]}" "${token[@]}" -q decrypt --output-dir dec-count enc-h/* > gdb.log 2>&1
  logins="$(grep -c '^CALL C_Login' gdb.log || true)"
  ops="$(grep -cE '^CALL C_(Decrypt|DeriveKey|Sign|UnwrapKey)$' gdb.log || true)"
fi

row() { # LABEL SET OP
  printf '| %s | %s s | %s s | %s s | %s | %s |\n' "$1" "${wall[$2-hsmkit-$3]}" "${wall[$2-openssl-$3]}" "${wall[$2-age-$3]}" \
    "$(ratios "$2-openssl-$3" "$2-hsmkit-$3")" "$(ratios "$2-age-$3" "$2-hsmkit-$3")"
}
echo
echo "Median of $runs rounds; in brackets the median, lowest and highest of the per-round ratios (peer time / hsmkit time: above 1 means hsmkit is faster)."
echo
echo "| set | hsmkit, one run | openssl cms loop | age loop | openssl / hsmkit | age / hsmkit |"
echo "|---|---|---|---|---|---|"
row "$small_count x 4 KiB, encrypt" small encrypt
row "$small_count x 4 KiB, decrypt" small decrypt
row "$big_count x 1 MiB, encrypt" big encrypt
row "$big_count x 1 MiB, decrypt" big decrypt
echo
echo "| $pdf_count PDFs, pdf sign B-B | one run | a run per file | loop / one run |"
echo "|---|---|---|---|"
echo "| wall | ${wall[pdf-hsmkit-batch]} s | ${wall[pdf-hsmkit-loop]} s | $(ratios pdf-hsmkit-loop pdf-hsmkit-batch) |"
echo
echo "Batch decryption of the $big_count x 1 MiB set: $logins C_Login, $ops private-key operations (gdb on SoftHSM2)."
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
