#!/usr/bin/env bash
# Soak: mixed private-key operations through the hsmkit library on one SoftHSM2 token, from
# several threads in one JVM, with throughput and resident memory every tenth of the run.
#   bench/soak.sh [OPERATIONS] [THREADS]      default 50000 operations from 4 threads
# Needs: JDK 17, Maven (first build), softhsm2. Flat RSS from the first window to the last is the bar.
set -euo pipefail
operations="${1:-50000}"
threads="${2:-4}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/hsmkit" --version >/dev/null   # builds the CLI and its libraries when needed

source "$root/bench/lib.sh"
bench_softhsm_module

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SOFTHSM2_CONF="$work/softhsm2.conf"
mkdir "$work/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label soak --so-pin 12345678 --pin 123456 >/dev/null

java -Xmx256m -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" "$root/bench/soak-bench.java" \
  "$softhsm_module" soak 123456 "$operations" "$threads"
