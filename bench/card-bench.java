// SmartCard-HSM figures on the simulated card behind a private pcscd (bench/card.sh runs it): APDUs
// and wall time of whole commands, hsmkit against OpenSC's tools doing the same, and of the same
// operations through the library in one JVM.
// Usage: java -cp CLASSPATH bench/card-bench.java HSMKIT_LAUNCHER ROUNDS   (in a scratch directory;
// PCSCLITE_CSOCK_NAME names where the private pcscd's socket goes)
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.card.SmartCardHsm;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;

public class CardBench {
    static final String PIN = SmartCardHsmSimulator.DEFAULT_USER_PIN;
    static final Map<String, List<Double>> WALL = new LinkedHashMap<>();
    static final Map<String, List<Integer>> APDUS = new LinkedHashMap<>();
    static SmartCardHsmSimulator sim;
    static Map<String, String> env;

    public static void main(String[] a) throws Exception {
        String hsmkit = a[0];
        int rounds = Integer.parseInt(a[1]);
        PcscTestService pcsc = PcscTestService.shared();
        // DKEK from 0 shares: the card makes a random DKEK itself, so backups work without a ceremony
        sim = SmartCardHsmSimulator.builder().dkekShares(0).build();
        pcsc.insert(0, sim);
        env = new HashMap<>(pcsc.environment());
        env.put("BENCH_PIN", PIN);
        env.put("TERM", "dumb");
        String module = SmartCardHsmFixture.openscModule().toString();
        List<String> card = List.of(hsmkit, "-q", "-t", "card:", "--pin-env", "BENCH_PIN");

        // an EC P-256 key on the card with a certificate from a throwaway CA (CMS signing needs one)
        run(card, "key", "generate", "--type", "ec:P-256", "--label", "bench", "--id", "01");
        run(card, "key", "csr", "--key", "bench", "--subject", "CN=card bench", "-o", "bench.csr");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=card bench CA", "-days", "2"));
        run(List.of("openssl", "x509", "-req", "-in", "bench.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-out", "bench.pem"));
        run(card, "key", "import-cert", "--key", "bench", "bench.pem");
        Files.write(Path.of("small.bin"), new byte[1024]);
        int keyRef = sim.keyReferences().iterator().next();

        for (int i = 0; i < rounds; i++) {
            Files.deleteIfExists(Path.of("small.bin.p7s"));
            Files.deleteIfExists(Path.of("bench.wrapped"));
            Files.deleteIfExists(Path.of("sc.wrapped"));
            once("sign:hsmkit", cat(card, "sign", "--key", "bench", "-o", "small.bin.p7s", "small.bin"));
            once("sign:opensc", List.of("pkcs11-tool", "--module", module, "--login", "--pin", PIN, "--sign", "--id", "01",
                    "--mechanism", "ECDSA-SHA256", "--input-file", "small.bin", "--output-file", "small.sig"));
            once("backup:hsmkit", cat(card, "key", "backup", "--key", "bench", "-o", "bench.wrapped"));
            once("backup:opensc", List.of("sc-hsm-tool", "--wrap-key", "sc.wrapped", "--key-reference",
                    Integer.toString(keyRef), "--pin", PIN));
            once("info:hsmkit", cat(card, "card", "info"));
            once("info:opensc", List.of("sc-hsm-tool"));
            once("start:hsmkit", List.of(hsmkit, "--version"));
        }
        run(List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "small.bin.p7s", "-content",
                "small.bin", "-CAfile", "ca.pem", "-purpose", "any", "-out", "/dev/null"));

        System.out.println("Whole commands, median of " + rounds + " rounds (APDUs: the card's count for one run):");
        System.out.println();
        System.out.println("| operation | hsmkit | OpenSC | hsmkit / OpenSC | APDUs hsmkit | APDUs OpenSC |");
        System.out.println("|---|---|---|---|---|---|");
        row("sign 1 KiB, EC P-256", "sign", "`hsmkit sign` (CMS) / `pkcs11-tool --sign`");
        row("key backup", "backup", "`hsmkit key backup` / `sc-hsm-tool --wrap-key`");
        row("card info", "info", "`hsmkit card info` / `sc-hsm-tool`");
        System.out.printf(Locale.ROOT, "%nThe JVM start alone (`hsmkit --version`, no card): %.2f s.%n%n", median(WALL.get("start:hsmkit")));
        inProcess();
        pcsc.remove(0);
    }

    /** Signs and backs up in one JVM through the library: what an application pays per operation. */
    static void inProcess() {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(new byte[1024]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long opened = System.nanoTime();
        int before = sim.apduCount();
        try (SmartCardHsm hsm = SmartCardHsm.open("", new TokenOptions(Optional.empty(), PinSource.of(PIN.toCharArray()), false))) {
            TokenKey key = hsm.keys().stream().filter(k -> k.label().equals("bench")).findFirst().orElseThrow();
            key.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest); // login happens here
            double openMs = (System.nanoTime() - opened) / 1e6;
            int openApdus = sim.apduCount() - before;
            int n = 200;
            for (int i = 0; i < n; i++) { // warm-up
                key.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
            }
            before = sim.apduCount();
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                key.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
            }
            double signMs = (System.nanoTime() - t) / 1e6 / n;
            double signApdus = (double) (sim.apduCount() - before) / n;
            int m = 20;
            for (int i = 0; i < m; i++) {
                hsm.backup(key);
            }
            before = sim.apduCount();
            t = System.nanoTime();
            for (int i = 0; i < m; i++) {
                hsm.backup(key);
            }
            double backupMs = (System.nanoTime() - t) / 1e6 / m;
            double backupApdus = (double) (sim.apduCount() - before) / m;
            System.out.println("In one JVM through the library (SmartCardHsm.open, then repeated operations):");
            System.out.println();
            System.out.println("| operation | time each | APDUs each |");
            System.out.println("|---|---|---|");
            System.out.printf(Locale.ROOT, "| open, list keys, log in, first signature | %.0f ms | %d |%n", openMs, openApdus);
            System.out.printf(Locale.ROOT, "| ECDSA P-256 signature (mean of %d) | %.2f ms | %.0f |%n", n, signMs, signApdus);
            System.out.printf(Locale.ROOT, "| key backup (mean of %d) | %.2f ms | %.0f |%n", m, backupMs, backupApdus);
        }
    }

    static List<String> cat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    static void run(List<String> head, String... tail) throws Exception {
        Process p = start(cat(head, tail));
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cat(head, tail)) + " failed:\n" + out);
        }
    }

    static Process start(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    static void once(String label, List<String> cmd) throws Exception {
        int before = sim.apduCount();
        long t = System.nanoTime();
        Process p = start(cmd);
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException(label + ": " + String.join(" ", cmd) + " failed (" + rc + "):\n" + out);
        }
        WALL.computeIfAbsent(label, k -> new ArrayList<>()).add(wall);
        APDUS.computeIfAbsent(label, k -> new ArrayList<>()).add(sim.apduCount() - before);
    }

    static double median(List<? extends Number> values) {
        List<Double> v = values.stream().map(Number::doubleValue).sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static void row(String name, String op, String commands) {
        List<Double> h = WALL.get(op + ":hsmkit");
        List<Double> o = WALL.get(op + ":opensc");
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            ratios.add(h.get(i) / o.get(i));
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "| %s (%s) | %.2f s | %.2f s | %.1f× (%.1f–%.1f) | %.0f | %.0f |%n", name, commands,
                median(h), median(o), median(ratios), sorted.get(0), sorted.get(sorted.size() - 1),
                median(APDUS.get(op + ":hsmkit")), median(APDUS.get(op + ":opensc")));
    }
}
