#!/usr/bin/env bash
# The launcher's compiler directives (C2 only for bulk-data loops, C1 for the rest) against the stock
# JIT (HSMKIT_JIT=stock), command by command, same machine, same run, the two alternating. Commands:
# one 4 KiB file, batches of 4 KiB and 1 MiB files (encrypt; decrypt with the key on SoftHSM2), one
# big file through CMS and OpenPGP, a detached signature and its verification, pdf sign and pdf verify.
# Medians of RUNS rounds; the ratio is stock time / directives time (above 1: the directives are faster).
#
#   bench/jit.sh                        # 1000 x 4 KiB, 100 x 1 MiB, 256 MiB, 3 rounds
#   SMALL_COUNT=100 BIG_COUNT=10 SIZE_MIB=64 RUNS=1 bench/jit.sh
#
# Needs: java 17, maven (first build), openssl, softhsm2, opensc (pkcs11-tool).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
small_count="${SMALL_COUNT:-1000}"
big_count="${BIG_COUNT:-100}"
size_mib="${SIZE_MIB:-256}"
runs="${RUNS:-3}"
source "$root/bench/lib.sh"
bench_require java openssl softhsm2-util pkcs11-tool /usr/bin/time
"$root/hsmkit" --version >/dev/null

bench_workdir
bench_token
echo "work dir: $work; $small_count x 4 KiB, $big_count x 1 MiB, one file of $size_mib MiB; $runs round(s)" >&2
mkdir small big
for ((i = 0; i < small_count; i++)); do head -c 4096 /dev/urandom > "small/f$i.bin"; done
for ((i = 0; i < big_count; i++)); do head -c 1048576 /dev/urandom > "big/f$i.bin"; done
head -c "$((size_mib * 1048576))" /dev/urandom > large.bin
cp "$root/testdata/src/main/resources/pdf-corpus/pdfbox-sign_me.pdf" unsigned.pdf
cp "$root/testdata/src/main/resources/pdf-corpus/dss-pades-5-signatures-and-1-document-timestamp.pdf" signed.pdf
hsmkit=("$root/hsmkit" -q)
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
"${hsmkit[@]}" encrypt -r cert.pem --output-dir small-enc small/*
"${hsmkit[@]}" encrypt -r cert.pem --output-dir big-enc big/*
"${hsmkit[@]}" encrypt -r cert.pem -o large.p7m large.bin
"${hsmkit[@]}" "${token[@]}" pgp export --key bench --encryption-key bench --user-id 'Bench <bench@hsmkit.test>' -o cert.asc
"${hsmkit[@]}" "${token[@]}" pgp encrypt -r cert.asc -o large.gpg large.bin
"${hsmkit[@]}" "${token[@]}" sign --key bench -o large.p7s large.bin

# job.sh NAME: one command of the comparison; its output goes to a fresh place each time
cat > job.sh <<EOF
#!/usr/bin/env bash
set -eu
hsmkit=("$root/hsmkit" -q)
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
EOF
cat >> job.sh <<'EOF'
rm -rf out out.bin; mkdir out
case "$1" in
  "encrypt, 1 x 4 KiB") "${hsmkit[@]}" encrypt -r cert.pem -o out/one.p7m small/f0.bin ;;
  "encrypt, small") "${hsmkit[@]}" encrypt -r cert.pem --output-dir out small/* ;;
  "decrypt, small") "${hsmkit[@]}" "${token[@]}" decrypt --output-dir out small-enc/* ;;
  "encrypt, big") "${hsmkit[@]}" encrypt -r cert.pem --output-dir out big/* ;;
  "decrypt, big") "${hsmkit[@]}" "${token[@]}" decrypt --output-dir out big-enc/* ;;
  "encrypt, large") "${hsmkit[@]}" encrypt -r cert.pem -o out.bin large.bin ;;
  "decrypt, large") "${hsmkit[@]}" "${token[@]}" decrypt -o out.bin large.p7m ;;
  "pgp encrypt, large") "${hsmkit[@]}" "${token[@]}" pgp encrypt -r cert.asc -o out.bin large.bin ;;
  "pgp decrypt, large") "${hsmkit[@]}" "${token[@]}" pgp decrypt --key bench -o out.bin large.gpg ;;
  "sign, large") "${hsmkit[@]}" "${token[@]}" sign --key bench -o out.bin large.bin ;;
  "verify, large") "${hsmkit[@]}" verify --trust cert.pem --content large.bin large.p7s ;;
  "pdf sign B-B") "${hsmkit[@]}" "${token[@]}" pdf sign --key bench -o out.bin unsigned.pdf ;;
  # the corpus file's signers chain to roots this machine does not trust: exit code 1 is its verdict
  "pdf verify, 6 signatures") "${hsmkit[@]}" pdf verify signed.pdf || [[ $? -eq 1 ]] ;;
  *) echo "unknown job: $1" >&2; exit 2 ;;
esac
EOF
chmod +x job.sh
jobs=("encrypt, 1 x 4 KiB" "encrypt, small" "decrypt, small" "encrypt, big" "decrypt, big" "encrypt, large" "decrypt, large"
  "pgp encrypt, large" "pgp decrypt, large" "sign, large" "verify, large" "pdf sign B-B" "pdf verify, 6 signatures")

for ((i = 0; i < runs; i++)); do
  for name in "${jobs[@]}"; do
    once "$name/stock" env HSMKIT_JIT=stock ./job.sh "$name"
    once "$name/directives" ./job.sh "$name"
  done
  echo "round $((i + 1)) of $runs done" >&2
done

echo
echo "Median of $runs rounds; in brackets the median, lowest and highest of the per-round ratios (stock / directives: above 1 means the directives are faster)."
echo
echo "small: $small_count files of 4 KiB; big: $big_count files of 1 MiB; large: one file of $size_mib MiB."
echo
echo "| command | stock JIT | compiler directives | stock / directives | peak RSS, stock / directives |"
echo "|---|---|---|---|---|"
for name in "${jobs[@]}"; do
  printf '| %s | %s s | %s s | %s | %s / %s MB |\n' "$name" "$(median <<<"${walls[$name/stock]}")" \
    "$(median <<<"${walls[$name/directives]}")" "$(ratios "$name/stock" "$name/directives")" \
    "$(peak_mb "$name/stock")" "$(peak_mb "$name/directives")"
done
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
