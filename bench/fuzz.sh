#!/usr/bin/env bash
# Coverage-guided fuzzing campaigns with Jazzer on the fuzz module's targets.
#   bench/fuzz.sh list                  the targets (class and method)
#   bench/fuzz.sh TARGET MINUTES        fuzz one target, e.g. bench/fuzz.sh CmsDecrypt 10
#   bench/fuzz.sh seeds [card|pgp]      remake the seed corpora (needs openssl, gpgsm and gpg; "card": only
#                                       the SmartCard-HSM targets, which need none; "pgp": only OpenPGP)
# A campaign starts from the committed corpus in testdata/src/main/resources/org/hsmkit/fuzz/,
# keeps what it learns in fuzz/target/corpus/TARGET-METHOD, writes findings to
# fuzz/target/findings/TARGET-METHOD and prints the executions done. It goes on after a finding
# (up to KEEP_GOING findings, default 50). A finding becomes a regression input by moving it into
# the target's Inputs directory under a name that says what it is (regression-WHAT); ./run-tests
# then replays it on every build. FUZZ_ARGS adds Jazzer or libFuzzer options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$root/testdata/src/main/resources/org/hsmkit/fuzz"

classpath() {
  if [[ -n "${FUZZ_CLASSPATH:-}" ]]; then
    printf '%s' "$FUZZ_CLASSPATH"   # a class path built before (e.g. a copy, so that edits do not reach a running campaign)
    return
  fi
  local deps="$root/fuzz/target/fuzz.classpath"
  # every module of the reactor writes the file; the fuzz module comes last
  (cd "$root" && mvn -B -q -o -pl fuzz -am test-compile dependency:build-classpath -Dmdep.outputFile="$deps" \
    -Dmdep.includeScope=test >&2)
  # the corpus directory first: seeds made in this run are on the class path at once
  local cp="$root/testdata/src/main/resources:$root/fuzz/target/test-classes"
  for m in crypto-core smime pdf-sign testdata; do cp+=":$root/$m/target/classes"; done
  printf '%s:%s' "$cp" "$(cat "$deps")"
}

targets() {
  grep -l '@FuzzTest' "$root"/fuzz/src/test/java/org/hsmkit/fuzz/*FuzzTest.java | while read -r f; do
    local cls; cls="$(basename "$f" .java)"
    grep -A1 '@FuzzTest' "$f" | sed -n 's/.*void \([a-zA-Z]*\)(.*/\1/p' | while read -r m; do
      echo "${cls%FuzzTest} $m"
    done
  done
}

case "${1:-}" in
  list)
    targets
    ;;
  seeds)
    cp="$(classpath)"
    java -cp "$cp" org.hsmkit.fuzz.SeedCorpus "$corpus" "${@:2}"
    ;;
  ""|-h|--help)
    sed -n '2,10p' "$0"; exit 2
    ;;
  *)
    target="$1"; minutes="${2:?minutes}"
    method="${3:-$(targets | awk -v t="$target" '$1==t {print $2; exit}')}"
    [[ -n "$method" ]] || { echo "unknown target $target; see: bench/fuzz.sh list" >&2; exit 2; }
    cls="org.hsmkit.fuzz.${target}FuzzTest"
    cp="$(classpath)"
    work="$root/fuzz/target"
    mkdir -p "$work/corpus/$target-$method" "$work/findings/$target-$method"
    log="$work/findings/$target-$method/campaign.log"
    echo "fuzzing $cls#$method for $minutes minutes; log: $log" >&2
    # -timeout: an input that takes longer than 20 s is a finding (bounded time per input; the first
    # inputs also pay for instrumenting the classes they load); -Xmx: running out of a modest heap
    # is a finding too (bounded memory). Coverage comes from hsmkit and the parsers it relies on.
    set +e
    java -Xmx1g -XX:+UseSerialGC -cp "$cp" com.code_intelligence.jazzer.Jazzer \
      --target_class="$cls" --target_method="$method" \
      --instrumentation_includes='org.hsmkit.**:org.bouncycastle.asn1.**:org.bouncycastle.cms.**:org.bouncycastle.pkcs.**:org.bouncycastle.cert.**:org.bouncycastle.util.**:org.bouncycastle.bcpg.**:org.bouncycastle.openpgp.**:org.apache.pdfbox.**:jakarta.mail.**:org.eclipse.angus.**' \
      --custom_hook_excludes='**' --keep_going="${KEEP_GOING:-50}" \
      -max_total_time=$((minutes * 60)) -timeout=20 -rss_limit_mb=0 -print_final_stats=1 \
      ${FUZZ_ARGS:-} -artifact_prefix="$work/findings/$target-$method/" \
      "$work/corpus/$target-$method" "$corpus/${target}FuzzTestInputs/$method" >"$log" 2>&1
    rc=$?
    set -e
    grep -a -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss|^Done ' "$log" | sort -u >&2 || true
    grep -a -c '^== Java Exception' "$log" | sed 's/^/findings (Java exceptions): /' >&2 || true
    ls "$work/findings/$target-$method" | grep -v campaign.log >&2 || echo "no finding files" >&2
    exit $rc
    ;;
esac
