#!/usr/bin/env bash
# Verifies the signed PDFs of the corpus with hsmkit and with EU DSS 6.3, both offline and without
# trust anchors (the same work: integrity, byte ranges, changes after each signature, chains and
# revocation data from the file), and prints per file:
#   - the time per verification inside one JVM per engine, median of ROUNDS after a warm-up
#     round (best of REPEAT runs: the least disturbed by other load);
#   - whole processes: `./hsmkit pdf verify FILE` against a JVM that runs DSS on FILE once
#     (median of RUNS, wall time from the shell's clock).
#
#   bench/pdf-verify.sh [FILE.pdf...]   (default: the signed files of the corpus)
#   ROUNDS=10 REPEAT=3 RUNS=5 (defaults)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
ROUNDS=${ROUNDS:-10}
REPEAT=${REPEAT:-3}
RUNS=${RUNS:-5}
corpus=testdata/src/main/resources/pdf-corpus
if [ $# -gt 0 ]; then files=("$@"); else
  files=("$corpus/dss-Signature-P-BG_BOR-1.pdf" "$corpus/dss-doc-firmado-T.pdf" "$corpus/dss-doc-firmado-LT.pdf"
         "$corpus/dss-DSS1376-rev_n.pdf" "$corpus/dss-pades-5-signatures-and-1-document-timestamp.pdf")
fi
for i in "${!files[@]}"; do files[$i]="$(realpath "${files[$i]}")"; done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

./hsmkit --version >/dev/null   # builds the CLI when needed
mvn -B -o -q -pl testdata,crypto-core,pdf-sign test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="pdf-sign/target/test-classes:pdf-sign/target/classes:$(cat "$WORK/cp.txt")"
# DSS 6.3 runs on the Bouncy Castle release it is built on (see the pdf-sign pom).
DSS_CP="$(ls pdf-sign/target/dss-bc/*.jar | paste -sd:):$(echo "$CP" | tr ':' '\n' | grep -v bouncycastle | paste -sd:)"

for r in $(seq "$REPEAT"); do
  java -cp "$CP" org.hsmkit.pdf.bench.PdfVerifyBench hsmkit "$ROUNDS" "${files[@]}" 2>/dev/null | grep '^RESULT' >> "$WORK/jvm.txt"
  java -cp "$DSS_CP" org.hsmkit.pdf.bench.PdfVerifyBench dss "$ROUNDS" "${files[@]}" 2>/dev/null | grep '^RESULT' >> "$WORK/jvm.txt"
done

wall() { # prints the wall time of a command in seconds; exit status 1 (untrusted) is expected
  local start end
  start="$EPOCHREALTIME"
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  end="$EPOCHREALTIME"
  awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f\n", b - a}'
}
median() { sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }

echo "| file | KB | hsmkit ms (one JVM) | DSS ms (one JVM) | hsmkit / DSS | \`hsmkit pdf verify\` s | DSS process s | hsmkit / DSS |"
echo "|---|---|---|---|---|---|---|---|"
for f in "${files[@]}"; do
  name=$(basename "$f")
  h=$(grep "engine=hsmkit file=$name " "$WORK/jvm.txt" | sed 's/.*ms=//' | sort -g | head -1)
  d=$(grep "engine=dss file=$name " "$WORK/jvm.txt" | sed 's/.*ms=//' | sort -g | head -1)
  hp=$(for i in $(seq "$RUNS"); do wall ./hsmkit pdf verify "$f"; done | median)
  dp=$(for i in $(seq "$RUNS"); do wall java -cp "$DSS_CP" org.hsmkit.pdf.bench.PdfVerifyBench dss 0 "$f"; done | median)
  echo "| $name | $(( $(stat -c %s "$f") / 1024 )) | $h | $d | $(awk -v a="$h" -v b="$d" 'BEGIN{printf "%.2f", a/b}') | $hp | $dp | $(awk -v a="$hp" -v b="$dp" 'BEGIN{printf "%.2f", a/b}') |"
done
