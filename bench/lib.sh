# Shared by the bench/ scripts: a work directory, a SoftHSM2 token holding an RSA key, and timing in
# rounds. Source it after setting `root`; it leaves you in the work directory.

bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
  done
}

# bench_workdir: a fresh directory, removed on exit; cd into it
bench_workdir() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/hsmkit-bench.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  cd "$work"
}

# bench_softhsm_module: sets softhsm_module to the installed SoftHSM2 PKCS#11 module
bench_softhsm_module() {
  local m
  softhsm_module=""
  for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
      /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/pkcs11/libsofthsm2.so; do
    [[ -f "$m" ]] && softhsm_module="$m" && break
  done
  [[ -n "$softhsm_module" ]] || { echo "missing: the SoftHSM2 PKCS#11 module" >&2; exit 2; }
}

# bench_token: a key and certificate (key.pem, cert.pem, cert.der) and a SoftHSM2 token 'bench' holding
# both (PIN in pin.txt); sets softhsm_module and exports SOFTHSM2_CONF. The key is RSA-3072, or with
# BENCH_KEY=p256 an elliptic-curve P-256 key (recipients by ECDH, as age's X25519)
bench_token() {
  bench_softhsm_module
  local newkey usage
  case "${BENCH_KEY:-rsa3072}" in
    rsa3072) newkey=(-newkey rsa:3072); usage=keyEncipherment,digitalSignature ;;
    p256) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); usage=keyAgreement,digitalSignature ;;
    *) echo "BENCH_KEY is rsa3072 or p256, not ${BENCH_KEY}" >&2; exit 2 ;;
  esac
  openssl req -x509 "${newkey[@]}" -nodes -keyout key.pem -out cert.pem -subj "/CN=hsmkit bench" -days 2 \
    -addext keyUsage="$usage" 2>/dev/null
  openssl x509 -in cert.pem -outform DER -out cert.der
  openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8
  mkdir tokens
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$PWD" > softhsm2.conf
  export SOFTHSM2_CONF="$PWD/softhsm2.conf"
  softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 123456 >/dev/null
  if [[ "${BENCH_KEY:-rsa3072}" == p256 ]]; then
    # softhsm2-util imports an EC key without CKA_DERIVE, which ECDH needs
    pkcs11-tool --module "$softhsm_module" --token-label bench --login --pin 123456 \
      --write-object key.pem --type privkey --id 01 --label bench --usage-derive >/dev/null
  else
    softhsm2-util --import key.p8 --token bench --label bench --id 01 --pin 123456 >/dev/null
  fi
  pkcs11-tool --module "$softhsm_module" --token-label bench --login --pin 123456 \
    --write-object cert.der --type cert --id 01 --label bench >/dev/null
  printf '123456\n' > pin.txt
}

# once LABEL CMD... : runs CMD once under GNU time, appending its wall time and peak RSS to LABEL's
# lists (walls[LABEL], rsss[LABEL])
declare -A walls rsss
once() {
  local label="$1"; shift
  # flush earlier runs' dirty pages so that no command pays for another's write-back
  sync
  local start end w r
  # wall time from the shell's microsecond clock (GNU time prints only hundredths); peak RSS from GNU time
  start="$EPOCHREALTIME"
  /usr/bin/time -v -o "time.txt" "$@" >/dev/null 2>"stderr.txt" || { cat stderr.txt time.txt >&2; echo "failed: $label" >&2; exit 1; }
  end="$EPOCHREALTIME"
  w="$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')"
  r="$(awk -F': ' '/Maximum resident set size/{print $2}' time.txt)"
  walls[$label]+="$w "; rsss[$label]+="$r "
}

# median: of the numbers on stdin (space or newline separated)
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'; }

# peak_mb LABEL: the median peak RSS of LABEL's runs, in MB
peak_mb() { median <<<"${rsss[$1]}" | awk '{printf "%d", $1 / 1024}'; }

# ratios A B: the per-round ratios of two labels' wall times, as "median× (lowest–highest)"
ratios() {
  paste -d' ' <(tr ' ' '\n' <<<"${walls[$1]}" | grep .) <(tr ' ' '\n' <<<"${walls[$2]}" | grep .) \
    | awk '{print $1/$2}' | sort -g | awk '{v[NR]=$1} END{ m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
        printf "%.2f× (%.2f–%.2f)", m, v[1], v[NR] }'
}

# bench_count_operations HSMKIT-ARGS... : runs hsmkit once with a SoftHSM2 key (after bench_token) and
# counts its private-key operations on the token; sets ops and counter (how they were counted).
# First choice: OpenSC's pkcs11-spy in front of SoftHSM2. pkcs11-spy of OpenSC before 0.26 crashes in
# C_GetInterfaceList when the module behind it is PKCS#11 2.x (SoftHSM2 2.6); then gdb counts the
# calls into SoftHSM2's private-key functions instead.
bench_count_operations() {
  local spy_module="" m
  for m in /usr/lib/x86_64-linux-gnu/pkcs11-spy.so /usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so /usr/lib64/pkcs11-spy.so; do
    [[ -f "$m" ]] && spy_module="$m" && break
  done
  [[ -n "$spy_module" ]] || { echo "missing: OpenSC's pkcs11-spy" >&2; exit 2; }
  counter="pkcs11-spy"
  if PKCS11SPY="$softhsm_module" PKCS11SPY_OUTPUT="$work/spy.log" "$root/hsmkit" --module "$spy_module" "$@" >/dev/null 2>&1; then
    ops="$(grep -cE '^[0-9]+: C_(Decrypt|DeriveKey|Sign|UnwrapKey)$' spy.log || true)"
    return
  fi
  command -v gdb >/dev/null || { echo "pkcs11-spy failed and gdb is missing: cannot count operations" >&2; exit 2; }
  counter="gdb breakpoints on SoftHSM2's C_Decrypt/C_DeriveKey/C_Sign/C_UnwrapKey (pkcs11-spy $(dpkg-query -W -f='${Version}' opensc 2>/dev/null) crashed)"
  {
    echo "set pagination off"; echo "handle all nostop noprint pass"; echo "set breakpoint pending on"
    for m in C_Decrypt C_DeriveKey C_Sign C_UnwrapKey; do
      printf 'break %s\ncommands\nsilent\nprintf "PRIVATE-KEY-OP %s\\n"\ncontinue\nend\n' "$m" "$m"
    done
    echo "run"
  } > count.gdb
  # the program as a plain JVM command line: gdb cannot start the launcher script
  gdb -q -batch -x count.gdb --args java -cp "$root/cli/target/hsmkit-cli.jar:$root/cli/target/lib/*" org.hsmkit.cli.Main \
    --module "$softhsm_module" "$@" > gdb.log 2>&1
  ops="$(grep -c '^PRIVATE-KEY-OP' gdb.log || true)"
}
