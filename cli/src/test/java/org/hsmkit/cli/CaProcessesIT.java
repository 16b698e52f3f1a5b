package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.IssuedCertificate;
import org.hsmkit.core.cms.CertificateFile;
import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issuance database under real processes of the packaged CLI: four {@code hsmkit ca issue}
 * processes at once on one CA, and {@code kill -9} in the middle of issuing. The CA key is an
 * RSA-2048 key on a soft token; what is tested is the database (SQLite locking, transactions,
 * recovery) and that commands other than {@code ca} never load its driver.
 */
class CaProcessesIT {
    private static final Path TARGET = Path.of("target");
    private static final String PIN = "processes-passphrase";
    private static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    static Path work;
    static Path caDir;

    @BeforeAll
    static void ca() {
        CliRun cli = CliRun.in(work).withEnv("PIN", PIN);
        cli.run("-t", "soft:ca.p12", "--pin-env", "PIN", "key", "generate", "--type", "rsa:2048", "--label", "ca").assertOk();
        cli.run("-t", "soft:ca.p12", "--pin-env", "PIN", "ca", "init", "--ca", "ca", "--key", "ca", "--subject", "CN=Busy CA").assertOk();
        caDir = work.resolve("ca");
    }

    @Test
    void fourProcessesIssuingFiftyEachGetTwoHundredDistinctSerialsAndRecords() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            List<String> csrs = requests(work.resolve("batch" + p), "p" + p, 50);
            processes.add(issue(work.resolve("out" + p), csrs));
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "an issuing process did not finish");
            assertEquals(0, p.exitValue(), () -> log(p));
        }
        Set<BigInteger> fromFiles = new HashSet<>();
        List<String> files = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            for (Path f : list(work.resolve("out" + p))) {
                fromFiles.add(CertificateFile.read(f).get(0).getSerialNumber());
                files.add(f.toString());
            }
        }
        assertEquals(200, files.size());
        assertEquals(200, fromFiles.size(), "every certificate has its own serial");
        try (CertificateAuthority ca = CertificateAuthority.openRecords(caDir)) {
            assertEquals("ok", ca.checkDatabase());
            List<IssuedCertificate> records = ca.list().stream().filter(c -> c.subject().startsWith("CN=p")).toList();
            assertEquals(200, records.size());
            assertEquals(fromFiles, new HashSet<>(records.stream().map(IssuedCertificate::serial).toList()));
        }
        List<String> verify = new ArrayList<>(List.of("openssl", "verify", "-CAfile", caDir.resolve("ca.crt").toString()));
        verify.addAll(files);
        ExternalTool.run(work, null, Map.of(), verify).requireSuccess();

        // the soft token's CA key signs CRLs that openssl accepts
        CliRun cli = CliRun.in(work).withEnv("PIN", PIN);
        cli.run("ca", "revoke", "--ca", "ca", "--yes", files.get(7)).assertOk();
        cli.run("-t", "soft:ca.p12", "--pin-env", "PIN", "ca", "crl", "--ca", "ca", "-o", "soft.crl").assertOk();
        ExternalTool.Result crl = ExternalTool.run(work, "openssl", "crl", "-inform", "DER", "-in", "soft.crl", "-CAfile",
                caDir.resolve("ca.crt").toString(), "-noout", "-text").requireSuccess();
        assertTrue(crl.stderr().contains("verify OK"), crl.stderr());
        assertTrue(crl.stdoutText().contains(CertificateFile.read(Path.of(files.get(7))).get(0).getSerialNumber().toString(16)
                .toUpperCase(java.util.Locale.ROOT)), crl.stdoutText());
    }

    @Test
    void killNineDuringIssuanceLeavesARecordWithItsCertificateOrNeither() throws Exception {
        for (int round = 0; round < 2; round++) {
            Path out = work.resolve("killed" + round);
            List<String> csrs = requests(work.resolve("kill" + round), "k" + round + "-", 60);
            Process p = issue(out, csrs);
            int waitFor = 2 + ThreadLocalRandom.current().nextInt(6);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (list(out).size() < waitFor && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(20));
            ExternalTool.run(work, "kill", "-9", Long.toString(p.pid())).requireSuccess();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL, not finished");

            try (CertificateAuthority ca = CertificateAuthority.openRecords(caDir)) {
                assertEquals("ok", ca.checkDatabase());
                String prefix = "CN=k" + round + "-";
                List<IssuedCertificate> records = ca.list().stream().filter(c -> c.subject().startsWith(prefix)).toList();
                Set<BigInteger> recorded = new HashSet<>();
                for (IssuedCertificate r : records) {
                    X509Certificate c = ca.issuedCertificate(r.serial()).orElseThrow();
                    c.verify(ca.certificate().getPublicKey());
                    recorded.add(r.serial());
                }
                List<Path> written = list(out);
                for (Path f : written) {
                    X509Certificate c = CertificateFile.read(f).get(0);
                    assertTrue(recorded.contains(c.getSerialNumber()), f + " has no record");
                    assertEquals(ca.issuedCertificate(c.getSerialNumber()).orElseThrow(), c);
                }
                // the only certificate that may lack its file is the one committed just before the kill;
                // 'ca export' writes it from its record
                assertTrue(records.size() - written.size() <= 1, records.size() + " records, " + written.size() + " files");
                assertTrue(records.size() >= waitFor);
            }
        }
        // and the CA goes on issuing
        List<String> after = requests(work.resolve("after"), "after", 1);
        CliRun.in(work).withEnv("PIN", PIN).run("-t", "soft:ca.p12", "--pin-env", "PIN", "ca", "issue", "--ca", "ca", "--profile",
                "tls-client", "--yes", "-o", "after.crt", after.get(0)).assertOk();
    }

    @Test
    void onlyCaCommandsLoadTheDatabaseDriverAndItsNativeLibrary() throws Exception {
        ExternalTool.Result keys = packaged(List.of("-Xlog:class+load=info:stdout"), "-t", "soft:" + work.resolve("ca.p12"),
                "--pin-env", "PIN", "key", "list");
        keys.requireSuccess();
        assertTrue(keys.stdoutText().contains("org.hsmkit.cli.KeyListCommand"), "the class log is there");
        assertTrue(keys.stdoutText().lines().noneMatch(l -> l.contains("org.sqlite")), "key list loaded the SQLite driver");

        ExternalTool.Result list = packaged(List.of("-Xlog:class+load=info:stdout"), "ca", "list", "--ca", caDir.toString());
        list.requireSuccess();
        assertTrue(list.stdoutText().lines().anyMatch(l -> l.contains("org.sqlite.core.NativeDB")), "ca list uses the driver");
    }

    /**
     * Clients that connect and stall — nothing sent, half a request line, a body cut short — while
     * {@code ca ocsp-serve} runs in its own process: openssl's OCSP query is still answered, and
     * the server closes each stalled connection (after its 10 s for a request) instead of keeping
     * it. One such connection had stopped every answer.
     */
    @Test
    void stalledClientsDoNotStopTheOcspResponder() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TARGET.resolve("hsmkit-cli.jar").toAbsolutePath() + ":" + TARGET.resolve("lib").toAbsolutePath() + "/*",
                "org.hsmkit.cli.Main", "-t", "soft:" + work.resolve("ca.p12"), "--pin-env", "PIN", "ca", "ocsp-serve", "--ca",
                caDir.toString(), "--listen", "127.0.0.1:0"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("PIN", PIN);
        pb.environment().put("XDG_DATA_HOME", work.resolve("xdg").toString());
        Process server = pb.start();
        List<java.net.Socket> stalled = new ArrayList<>();
        try {
            java.io.BufferedReader log = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
            int port = -1;
            for (String line; port < 0 && (line = log.readLine()) != null; ) {
                java.util.regex.Matcher m = listening.matcher(line);
                port = m.find() ? Integer.parseInt(m.group(1)) : -1;
            }
            assertTrue(port > 0, "the server did not start");
            for (String partial : new String[] {"", "GET /ca.crt HTTP/1.1\r\nHo", "POST / HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/ocsp-request\r\nContent-Length: 100\r\n\r\n0123"}) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                s.getOutputStream().write(partial.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            String ca = caDir.resolve("ca.crt").toString();
            ExternalTool.Result r = ExternalTool.run(work, "openssl", "ocsp", "-issuer", ca, "-CAfile", ca, "-url",
                    "http://127.0.0.1:" + port + "/", "-serial", "0x1234567890abcdef", "-timeout", "60");
            r.requireSuccess();
            assertTrue(r.stderr().contains("Response verify OK"), r.stderr());
            assertTrue(r.stdoutText().toLowerCase(java.util.Locale.ROOT).contains("1234567890abcdef: unknown"), r.stdoutText());
            for (java.net.Socket s : stalled) {
                s.setSoTimeout(60_000); // a bound against hanging, not a timing check
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                assertEquals(-1, read, "the server kept a stalled connection open");
            }
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static ExternalTool.Result packaged(List<String> jvm, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", TARGET.resolve("hsmkit-cli.jar").toAbsolutePath() + ":" + TARGET.resolve("lib").toAbsolutePath() + "/*",
                "org.hsmkit.cli.Main"));
        command.addAll(List.of(args));
        return ExternalTool.run(work, new byte[0], Map.of("XDG_DATA_HOME", work.resolve("xdg").toString(), "PIN", PIN), command);
    }

    /** Starts the packaged CLI issuing the requests into {@code out}. */
    private static Process issue(Path out, List<String> csrs) throws IOException {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TARGET.resolve("hsmkit-cli.jar").toAbsolutePath() + ":" + TARGET.resolve("lib").toAbsolutePath() + "/*",
                "org.hsmkit.cli.Main", "-q", "-t", "soft:" + work.resolve("ca.p12"), "--pin-env", "PIN",
                "ca", "issue", "--ca", caDir.toString(), "--profile", "tls-client", "--yes", "--output-dir", out.toString()));
        command.addAll(csrs);
        Path log = work.resolve(out.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PIN", PIN);
        pb.environment().put("XDG_DATA_HOME", work.resolve("xdg").toString());
        Process p = pb.start();
        LOGS.put(p, log);
        return p;
    }

    private static String log(Process p) {
        try {
            return Files.readString(LOGS.get(p));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Certificates written into {@code out}: complete files only, not hidden temporaries. */
    private static List<Path> list(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".crt")).sorted().toList();
        }
    }

    /** {@code n} requests with fresh P-256 keys, made in memory (a requester's own tool would do the same). */
    private static List<String> requests(Path dir, String prefix, int n) throws Exception {
        Files.createDirectories(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KeyPair kp = g.generateKeyPair();
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + prefix + i), kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            StringWriter sw = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
                w.writeObject(csr);
            }
            Path f = dir.resolve(prefix + i + ".csr");
            Files.writeString(f, sw.toString());
            out.add(f.toString());
        }
        return out;
    }
}
