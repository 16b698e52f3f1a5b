#!/usr/bin/env bash
# SmartCard-HSM benchmark on the simulated card (no hardware): APDUs and wall time for a signature,
# a key backup and `card info`, each through ./hsmkit and through OpenSC's tool for the same job
# (pkcs11-tool, sc-hsm-tool), in rounds; then the same operations through the library in one JVM.
# The card answers from a simulator in a virtual reader of a private pcscd started for the run, so
# the figures show the host side (JVM start, APDUs sent), not a real card's crypto time.
#
#   bench/card.sh            # 10 rounds
#   RUNS=20 bench/card.sh
#
# Needs: java 17, maven (first build), openssl, opensc (pkcs11-tool, sc-hsm-tool), pcscd, vsmartcard-vpcd.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-10}"
source "$root/bench/lib.sh"
bench_require java openssl pkcs11-tool sc-hsm-tool pcscd
"$root/hsmkit" --version >/dev/null # builds when needed (the simulator comes from the testdata module)
bench_workdir
export XDG_DATA_HOME="$work/data"
# the private pcscd's client socket; the path must stay under the 107 bytes of a Unix socket name
export PCSCLITE_CSOCK_NAME="$work/pcscd/pcscd.comm"
echo "work dir: $work; $runs round(s)" >&2
java -cp "$root/testdata/target/classes:$root/cli/target/lib/*" "$root/bench/card-bench.java" "$root/hsmkit" "$runs"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(java -version 2>&1 | head -1)."
