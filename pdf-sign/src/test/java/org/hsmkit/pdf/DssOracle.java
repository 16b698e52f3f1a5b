package org.hsmkit.pdf;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.hsmkit.pdf.internal.Http;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.responders.PkiResponders;

/**
 * The EU DSS validator as an independent judge, run once per test JVM as a child process with the
 * Bouncy Castle release DSS 6.3 is built on (with today's it rejects every PDF signature's zero
 * padding before looking at it). The test root is trusted; nothing is fetched from the network;
 * for levels without embedded validation data, fresh CRLs from the loopback CA are handed over
 * as external resources (what a relying party would download).
 */
final class DssOracle {
    /** The indication and signature format DSS gives each signature, in DSS's order, and its details by field. */
    record Verdict(List<String> indications, List<String> formats, String errors, List<Signed> details) {
        /** DSS's view of the signature or document time-stamp in {@code field}. */
        Signed field(String field) {
            return details.stream().filter(d -> d.field().equals(field)).findFirst()
                    .orElseThrow(() -> new AssertionError("DSS reports nothing for field " + field + ": " + this));
        }
    }

    /**
     * One signature or document time-stamp as DSS judges it: indication and sub-indication, whether
     * the signature value and signed digest check, and how many changes after it DSS leaves
     * unclassified (neither signing, form filling, annotation nor extension).
     */
    record Signed(String field, String indication, String subIndication, boolean intact, int undefinedChanges) {
    }

    private static Process process;
    private static Writer toDss;
    private static BufferedReader fromDss;
    private static Path work;

    private DssOracle() {
    }

    static Verdict validate(Path pdf, boolean giveRevocation) {
        return validate(pdf, giveRevocation, null);
    }

    /** For an encrypted PDF: {@code password} opens it (test passwords only). */
    static synchronized Verdict validate(Path pdf, boolean giveRevocation, String password) {
        try {
            start();
            String crls = "-";
            if (giveRevocation) {
                PkiResponders r = PdfTestSupport.responders();
                Path a = work.resolve("intermediate-" + System.nanoTime() + ".crl");
                Path b = work.resolve("root-" + System.nanoTime() + ".crl");
                Files.write(a, Http.get(r.baseUrl() + "/crl/intermediate.crl"));
                Files.write(b, Http.get(r.baseUrl() + "/crl/root.crl"));
                crls = a + "," + b;
            }
            toDss.write(pdf.toAbsolutePath() + "\t" + crls + (password == null ? "" : "\t" + password) + "\n");
            toDss.flush();
            for (String line; (line = fromDss.readLine()) != null; ) {
                if (line.startsWith("VERDICT\t")) {
                    String[] p = line.split("\t", -1);
                    List<Signed> details = new ArrayList<>();
                    for (String d : p[4].isEmpty() ? List.<String>of() : Arrays.asList(p[4].split(";"))) {
                        String[] f = d.split("\\|", -1);
                        details.add(new Signed(f[0], f[1], f[2], Boolean.parseBoolean(f[3]), Integer.parseInt(f[4])));
                    }
                    return new Verdict(split(p[1]), split(p[2]), p[3], details);
                }
            }
            throw new AssertionError("the DSS validator process ended");
        } catch (IOException e) {
            throw new AssertionError("cannot talk to the DSS validator process", e);
        }
    }

    private static List<String> split(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
    }

    private static void start() throws IOException {
        if (process != null) {
            return;
        }
        work = Files.createTempDirectory("dss-oracle");
        Path root = work.resolve("root.pem");
        Files.writeString(root, TestPki.pem(List.of(PdfTestSupport.pki().root().certificate())));
        List<String> cp = new ArrayList<>();
        String bcDir = System.getProperty("hsmkit.dss.bc");
        if (bcDir == null) {
            throw new AssertionError("system property hsmkit.dss.bc is not set (the build copies DSS's Bouncy Castle there)");
        }
        try (var jars = Files.list(Path.of(bcDir))) {
            jars.forEach(j -> cp.add(j.toString()));
        }
        String testCp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String e : testCp.split(File.pathSeparator)) {
            if (!e.contains("bouncycastle")) {
                cp.add(e);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), DssOracleMain.class.getName(), root.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        process = pb.start();
        toDss = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        fromDss = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    }
}
