#!/usr/bin/env bash
# Signs N copies of a PDF in one JVM per run, with hsmkit and with EU DSS 6.3, the same key
# source and the same loopback RFC 3161 TSA, at B-B and B-T; prints the time per signature
# (measured inside the JVM after a warm-up of 5) and the ratio hsmkit/DSS, plus each run's
# whole-process wall time and peak memory from /usr/bin/time -v.
#
#   bench/pdf-sign.sh [N] [INPUT.pdf]      (default: 100 copies of the corpus' sign_me.pdf)
#   REPEAT=3 (default): each configuration runs that many times; the table shows the best run,
#   which is the least disturbed by other load on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
REPEAT=${REPEAT:-3}
INPUT=$(realpath "${2:-testdata/src/main/resources/pdf-corpus/pdfbox-sign_me.pdf}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SOFTHSM2_CONF="$WORK/softhsm2/softhsm2.conf"

mvn -B -o -q -pl testdata,crypto-core,pdf-sign test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="pdf-sign/target/test-classes:pdf-sign/target/classes:$(cat "$WORK/cp.txt")"
# DSS 6.3 runs on the Bouncy Castle release it is built on (see the pdf-sign pom).
DSS_CP="$(ls pdf-sign/target/dss-bc/*.jar | paste -sd:):$(echo "$CP" | tr ':' '\n' | grep -v bouncycastle | paste -sd:)"

run() { # engine keysource level
  local cp=$CP; [ "$1" = dss ] && cp=$DSS_CP
  /usr/bin/time -v -o "$WORK/time.txt" java -cp "$cp" org.hsmkit.pdf.bench.PdfSignBench "$1" "$2" "$3" "$N" "$INPUT" \
    | grep '^RESULT' | tee -a "$WORK/results.txt"
  echo "       process: wall $(grep 'Elapsed (wall' "$WORK/time.txt" | awk '{print $NF}'), peak RSS $(grep 'Maximum resident' "$WORK/time.txt" | awk '{print $NF}') kB"
}

for r in $(seq "$REPEAT"); do
  for level in B-B B-T; do
    for key in memory softhsm; do
      run hsmkit "$key" "$level"
      run dss "$key" "$level"
    done
  done
done

echo
echo "| level | key source | hsmkit ms/signature | DSS ms/signature | hsmkit/DSS |"
echo "|---|---|---|---|---|"
for level in B-B B-T; do
  for key in memory softhsm; do
    h=$(grep "engine=hsmkit key=$key level=$level " "$WORK/results.txt" | sed 's/.*per_signature_ms=//' | sort -g | head -1)
    d=$(grep "engine=dss key=$key level=$level " "$WORK/results.txt" | sed 's/.*per_signature_ms=//' | sort -g | head -1)
    echo "| $level | $key | $h | $d | $(awk -v a="$h" -v b="$d" 'BEGIN{printf "%.2f", a/b}') |"
  done
done
