#!/usr/bin/env bash
# OpenPGP benchmark: hsmkit against GnuPG on one large file with the same RSA-3072 key, same machine,
# same run. hsmkit's key is in SoftHSM2; gpg's is the same key in its own keyring (imported through
# gpgsm into gpg-agent, then made an OpenPGP key with the same creation time, so both tools hold the
# same fingerprint). Reports wall time (median of RUNS rounds, with per-round ratios), peak RSS and
# the private-key operations hsmkit makes per decryption.
#
#   bench/openpgp.sh                    # 1 GiB, 5 rounds
#   SIZE_MIB=256 RUNS=1 bench/openpgp.sh
#
# Needs: java 17, maven (first build), gpg, gpgsm, openssl, softhsm2, opensc (pkcs11-tool, pkcs11-spy), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${SIZE_MIB:-1024}"
runs="${RUNS:-5}"
source "$root/bench/lib.sh"
bench_require java gpg gpgsm gpgconf openssl softhsm2-util pkcs11-tool /usr/bin/time

"$root/hsmkit" --version >/dev/null
hsmkit=("$root/hsmkit" -t "pkcs11:token=bench" --pin-file pin.txt)

bench_workdir
bench_token
hsmkit+=(--module "$softhsm_module")
echo "work dir: $work; input: ${size_mib} MiB of random bytes; $runs round(s)" >&2
created="2024-05-06T07:08:09Z"
"${hsmkit[@]}" -q pgp export --key bench --encryption-key bench --user-id 'Bench <bench@hsmkit.test>' --created "$created" -o cert.asc

# gpg gets the same private key: a PKCS#12 file (the legacy encryption gpgsm 2.2 reads) into gpg-agent,
# then an OpenPGP key on that keygrip with the same creation time
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
echo allow-loopback-pinentry > "$GNUPGHOME/gpg-agent.conf"
trap 'gpgconf --kill gpg-agent 2>/dev/null; rm -rf "$work"' EXIT
openssl pkcs12 -export -in cert.pem -inkey key.pem -out key.p12 -passout pass:bench \
  -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
gpgsm --batch --pinentry-mode loopback --passphrase-fd 0 --import key.p12 <<<"bench" 2>/dev/null
grip="$(gpgsm --with-keygrip -K 2>/dev/null | awk '/keygrip:/{print $2; exit}')"
printf '%%no-protection\nKey-Type: RSA\nKey-Grip: %s\nKey-Usage: sign encrypt\nName-Real: Bench\nName-Email: bench@hsmkit.test\nCreation-Date: %s\nExpire-Date: 0\n%%commit\n' \
  "$grip" "$(date -u -d "$created" +%Y%m%dT%H%M%S)" > keyparams
gpg --batch --pinentry-mode loopback --passphrase bench --generate-key keyparams 2>/dev/null
gpg_fpr="$(gpg --with-colons -K | awk -F: '/^fpr:/{print $10; exit}')"
hsmkit_fpr="$(gpg --with-colons --show-keys cert.asc 2>/dev/null | awk -F: '/^fpr:/{print $10; exit}')"
[[ "$gpg_fpr" == "$hsmkit_fpr" ]] || { echo "gpg's key $gpg_fpr is not hsmkit's $hsmkit_fpr" >&2; exit 1; }
gpg_run=(gpg --batch --yes --quiet --pinentry-mode loopback --passphrase bench --trust-model always)

head -c "$((size_mib * 1024 * 1024))" /dev/urandom > plain.bin
for ((i = 0; i < runs; i++)); do
  rm -f gpg.gpg hsmkit.gpg hsmkit-v2.gpg
  # no compression on either side: hsmkit never compresses, and random data does not compress
  once gpg-encrypt "${gpg_run[@]}" -z 0 -r "$gpg_fpr" -o gpg.gpg --encrypt plain.bin
  once hsmkit-encrypt "${hsmkit[@]}" pgp encrypt --seipd-v1 -r cert.asc -o hsmkit.gpg plain.bin
  once hsmkit-encrypt-v2 "${hsmkit[@]}" pgp encrypt -r cert.asc -o hsmkit-v2.gpg plain.bin
  rm -f out.*
  once gpg-decrypt "${gpg_run[@]}" -o out.gpg --decrypt gpg.gpg
  rm -f out.*
  once hsmkit-decrypt "${hsmkit[@]}" pgp decrypt --key bench -o out.hsmkit gpg.gpg
  rm -f out.*
  once hsmkit-decrypt-v2 "${hsmkit[@]}" pgp decrypt --key bench -o out.hsmkit hsmkit-v2.gpg
  rm -f out.*
  echo "round $((i + 1)) of $runs done" >&2
done
declare -A wall
for label in "${!walls[@]}"; do
  wall[$label]="$(median <<<"${walls[$label]}")"
  printf '%-18s wall %s s   peak RSS %s KB\n' "$label" "${walls[$label]}" "${rsss[$label]}" >&2
done

bench_count_operations -t "pkcs11:token=bench" --pin-file pin.txt --force pgp decrypt --key bench -o out.check gpg.gpg
cmp -s plain.bin out.check || { echo "hsmkit's decryption differs from the input" >&2; exit 1; }

echo
echo "Median of $runs rounds; in brackets the median, lowest and highest of the per-round ratios."
echo
echo "| ${size_mib} MiB file | hsmkit | gpg | hsmkit / gpg |"
echo "|---|---|---|---|"
echo "| encrypt (SEIPD v1), wall | ${wall[hsmkit-encrypt]} s | ${wall[gpg-encrypt]} s | $(ratios hsmkit-encrypt gpg-encrypt) |"
echo "| decrypt gpg's file, wall | ${wall[hsmkit-decrypt]} s | ${wall[gpg-decrypt]} s | $(ratios hsmkit-decrypt gpg-decrypt) |"
echo "| encrypt, peak RSS | $(peak_mb hsmkit-encrypt) MB | $(peak_mb gpg-encrypt) MB | |"
echo "| decrypt, peak RSS | $(peak_mb hsmkit-decrypt) MB | $(peak_mb gpg-decrypt) MB | |"
echo "| encrypt / decrypt SEIPD v2 (AES-GCM), wall | ${wall[hsmkit-encrypt-v2]} s / ${wall[hsmkit-decrypt-v2]} s | (GnuPG 2.2 has no SEIPD v2) | |"
echo "| private-key operations on the token per decryption | $ops | | |"
echo
echo "Operations counted with: $counter. gpg $(gpg --version | head -1 | awk '{print $3}'), -z 0. CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
