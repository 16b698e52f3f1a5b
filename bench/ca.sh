#!/usr/bin/env bash
# Certificate authority benchmark: certificates issued per second by `hsmkit ca issue` with the CA key
# (RSA-3072) in SoftHSM2, against a loop of `openssl ca` with the same key in a PEM file, on the same
# requests (EC P-256, made by openssl req), in rounds on the same machine.
#
#   bench/ca.sh            # 200 requests, 3 rounds
#   RUNS=5 bench/ca.sh 500
#
# hsmkit is measured two ways: one process issuing every request (--output-dir; each issuance is its
# own database transaction, with the signature on the token inside it), and one process per
# certificate (LOOP requests, default 10), which is what a script calling it per request pays.
# Needs: java 17, maven (first build), openssl, softhsm2, opensc (pkcs11-tool), GNU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-200}"
runs="${RUNS:-3}"
loop="${LOOP:-10}"
source "$root/bench/lib.sh"
bench_require java openssl softhsm2-util pkcs11-tool /usr/bin/time
"$root/hsmkit" --version >/dev/null # builds when needed and prepares the class archive
bench_workdir
bench_token
token=(-t "pkcs11:token=bench" --module "$softhsm_module" --pin-file pin.txt)
hsmkit=("$root/hsmkit" -q "${token[@]}")
echo "work dir: $work; $n requests; $runs round(s)" >&2

mkdir req
for ((i = 0; i < n; i++)); do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj "/CN=holder $i/O=bench" \
    -addext "subjectAltName=email:holder$i@example.org" -out "req/r$i.csr" 2>/dev/null
done

# openssl ca: the same CA key as a file, a minimal configuration with the same profile (tls-client)
cat > openssl-ca.cnf <<CNF
[ ca ]
default_ca = bench
[ bench ]
dir = ./oca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
certificate = ./oca-ca.pem
private_key = ./key.pem
default_md = sha256
default_days = 365
policy = any
unique_subject = no
copy_extensions = copy
x509_extensions = client
[ any ]
commonName = supplied
organizationName = optional
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -new -key key.pem -subj "/CN=bench CA" -days 30 -out oca-ca.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null

# the loops are scripts of their own, so that GNU time measures each as one command
cat > openssl-loop.sh <<'SH'
for f in req/*.csr; do
  openssl ca -batch -notext -config openssl-ca.cnf -in "$f" -out "oca/out/$(basename "$f" .csr).crt" 2>/dev/null || exit 1
done
SH
{
  echo 'for ((i = 0; i < '"$loop"'; i++)); do'
  printf '  %q ' "${hsmkit[@]}"
  echo 'ca issue --ca hloop --profile tls-client --yes -o "hloop-out/r$i.crt" "req/r$i.csr" || exit 1'
  echo 'done'
} > hsmkit-loop.sh

for ((r = 0; r < runs; r++)); do
  rm -rf hca hloop hloop-out hout oca
  mkdir -p hout hloop-out oca/new oca/out
  : > oca/index.txt
  openssl rand -hex 16 > oca/serial
  "${hsmkit[@]}" ca init --ca hca --key bench --subject "/CN=bench CA" --validity 2y
  "${hsmkit[@]}" ca init --ca hloop --key bench --subject "/CN=bench CA" --validity 2y
  once hsmkit "${hsmkit[@]}" ca issue --ca hca --profile tls-client --yes --output-dir hout req/*.csr
  once hsmkit-loop bash hsmkit-loop.sh
  once openssl bash openssl-loop.sh
  [[ "$(ls hout | wc -l)" == "$n" && "$(ls oca/out | wc -l)" == "$n" ]] || { echo "not all issued" >&2; exit 1; }
done
openssl verify -CAfile hca/ca.crt hout/r0.crt >/dev/null

rate() { median <<<"${walls[$1]}" | awk -v n="$2" '{printf "%.1f", n / $1}'; }
per_round() { # per-round rate ratios A/B with counts na, nb
  paste -d' ' <(tr ' ' '\n' <<<"${walls[$1]}" | grep .) <(tr ' ' '\n' <<<"${walls[$2]}" | grep .) \
    | awk -v na="$3" -v nb="$4" '{print (na/$1)/(nb/$2)}' | sort -g | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
        printf "%.2f× (%.2f–%.2f)", m, v[1], v[NR] }'
}
echo
echo "Median of $runs rounds (whole commands, JVM start included); in brackets the median, lowest and highest per-round ratio."
echo
echo "| | certificates/s | / openssl ca loop | wall |"
echo "|---|---|---|---|"
echo "| hsmkit ca issue, one process, $n requests (key in SoftHSM2) | $(rate hsmkit "$n") | $(per_round hsmkit openssl "$n" "$n") | $(median <<<"${walls[hsmkit]}") s |"
echo "| hsmkit ca issue, one process per request, $loop requests | $(rate hsmkit-loop "$loop") | $(per_round hsmkit-loop openssl "$loop" "$n") | $(median <<<"${walls[hsmkit-loop]}") s |"
echo "| openssl ca loop, $n requests (key file) | $(rate openssl "$n") | 1.00× | $(median <<<"${walls[openssl]}") s |"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(java -version 2>&1 | head -1); $(openssl version)."
