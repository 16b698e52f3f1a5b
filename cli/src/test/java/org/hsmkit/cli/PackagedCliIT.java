package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI as the launcher runs it: a separate JVM on {@code target/hsmkit-cli.jar} and
 * {@code target/lib}, where the Bouncy Castle jars are unsigned copies. Everything that reaches
 * Bouncy Castle as a JCE provider (brainpool ECDH, RSA-OAEP unwrapping, PKCS#12) must work there
 * as it does on the signed jars the in-process tests use.
 */
class PackagedCliIT {
    private static final Path TARGET = Path.of("target");
    private static final List<TestUser> RECIPIENTS = List.of(TestUser.ANDY_RSA3072, TestUser.BOB_P256, TestUser.GRACE_BP512);

    @TempDir
    static Path pki;

    @TempDir
    Path work;

    @BeforeAll
    static void writePki() {
        TestPki.standard().writeTo(pki);
    }

    @Test
    void theLaunchersBouncyCastleJarsCarryNoSignature() throws IOException {
        List<Path> jars;
        try (Stream<Path> s = Files.list(TARGET.resolve("lib"))) {
            jars = s.filter(p -> p.getFileName().toString().startsWith("bc")).toList();
        }
        assertEquals(5, jars.size(), jars.toString());
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")), jar + " is signed");
                assertEquals("true", j.getManifest().getMainAttributes().getValue("Multi-Release"), jar.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes256-gcm", "aes128-cbc"})
    void encryptsToRsaNistAndBrainpoolRecipientsAndEachDecryptsWithItsOwnKey(String cipher) throws IOException {
        Path plain = Files.write(work.resolve("plain.bin"), "packaged launcher check\n".repeat(1000).getBytes());
        List<String> encrypt = new ArrayList<>(List.of("encrypt", "--cipher", cipher));
        for (TestUser u : RECIPIENTS) {
            encrypt.add("-r");
            encrypt.add(pki.resolve(u.fileName() + ".pem").toString());
        }
        encrypt.addAll(List.of("-o", "file.p7m", plain.toString()));
        ok(hsmkit(Map.of(), encrypt.toArray(String[]::new)));

        for (TestUser u : RECIPIENTS) {
            Path out = work.resolve("back-" + u.fileName());
            ok(hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), "-t", "soft:" + pki.resolve(u.fileName() + ".p12"), "--pin-env", "PIN",
                    "decrypt", "-o", out.toString(), "file.p7m"));
            assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(out), u.fileName());
        }
        Path byOpenssl = work.resolve("back-openssl");
        ExternalTool.run(work, "openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in", "file.p7m",
                "-inkey", pki.resolve("grace-bp512.key.pem").toString(), "-recip", pki.resolve("grace-bp512.pem").toString(),
                "-out", byOpenssl.toString()).requireSuccess();
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(byOpenssl));
    }

    @Test
    void signsAndVerifiesWithTheChainToTheTestRoot() throws IOException {
        Path doc = Files.writeString(work.resolve("contract.txt"), "signed by the packaged CLI\n");
        ok(hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), "-t", "soft:" + pki.resolve("carol-p384.p12"), "--pin-env", "PIN",
                "sign", "--key", "carol-p384", doc.toString()));
        ExternalTool.Result v = hsmkit(Map.of(), "verify", "--trust", pki.resolve("root.pem").toString(), "contract.txt.p7s");
        ok(v);
        assertTrue(v.stderr().contains("Carol P-384") || v.stdoutText().contains("Carol P-384"), v.stderr() + v.stdoutText());
    }

    /**
     * A damaged PDF: PDFBox logs what it repairs (java.util.logging, with timestamps) on standard
     * error, between hsmkit's lines; the CLI keeps it quiet and says what matters in its own words.
     */
    @Test
    void pdfVerifyOfADamagedFileShowsHsmkitsWordsOnly() throws IOException {
        Path damaged = work.resolve("damaged.pdf");
        try (java.io.InputStream in = PackagedCliIT.class.getResourceAsStream(
                "/org/hsmkit/fuzz/PdfVerifyFuzzTestInputs/verify/regression-startxref-beyond-a-long.pdf")) {
            Files.write(damaged, in.readAllBytes());
        }
        ExternalTool.Result r = hsmkit(Map.of(), "pdf", "verify", "--trust", pki.resolve("root.pem").toString(), damaged.toString());
        assertFalse(r.stderr().contains("WARNING") || r.stderr().contains("org.apache.pdfbox"), r.stderr());
        assertTrue(r.stderr().lines().allMatch(l -> l.isBlank() || l.startsWith("hsmkit: ") || l.startsWith("  ")), r.stderr());
    }

    @Test
    void theDemoRunsEndToEndOnAFreshSoftToken() {
        ExternalTool.Result r = hsmkit(Map.of("HSMKIT_PIN", "demo-passphrase", "XDG_DATA_HOME", work.resolve("data").toString()),
                "--pin-env", "HSMKIT_PIN", "demo", "--size-mib", "1");
        ok(r);
        assertTrue(r.stdoutText().contains("demo OK"), r.stdoutText());
        assertTrue(Files.isRegularFile(work.resolve("data/hsmkit/soft-token.p12")));
    }

    /**
     * The launcher as a user runs it: its JVM options (class archive, collector, the compiler
     * directives) are accepted by this JDK and the JVM's own notes stay off standard output, which
     * carries the command's output and nothing else. Its class archive holds picocli, whose Java 5
     * class files only a static archive keeps (reading them from the jar cost 0.1 s per start).
     */
    @Test
    void theLauncherAddsNothingToStandardOutputAndThisJdkAcceptsItsJvmOptions() throws IOException {
        Path launcher = Path.of("..", "hsmkit").toAbsolutePath().normalize();
        // this build has just packaged the jar: the launcher need not build it again
        Files.writeString(TARGET.resolve(".build-stamp"), "");
        Files.deleteIfExists(TARGET.resolve("jit.key"));
        Path plain = Files.write(work.resolve("plain.bin"), "through the launcher\n".repeat(500).getBytes());
        String andy = pki.resolve(TestUser.ANDY_RSA3072.fileName()).toString();

        ExternalTool.Result encrypted = ExternalTool.run(work, new byte[0], Map.of("XDG_DATA_HOME", work.resolve("xdg").toString()),
                List.of(launcher.toString(), "-q", "encrypt", "-r", andy + ".pem", "-o", "-", "plain.bin"));
        ok(encrypted);
        assertTrue(Files.isRegularFile(TARGET.resolve("jit.key")), "the launcher found the compiler directives unusable");
        assertEquals("", encrypted.stderr().replaceAll("hsmkit: preparing a class archive[^\n]*\n", ""));
        Files.write(work.resolve("out.p7m"), encrypted.stdout());

        ExternalTool.Result decrypted = ExternalTool.run(work, new byte[0], Map.of("PIN", TestPki.P12_PASSWORD),
                List.of(launcher.toString(), "-q", "-t", "soft:" + andy + ".p12", "--pin-env", "PIN", "decrypt", "-o", "-", "out.p7m"));
        ok(decrypted);
        assertEquals("", decrypted.stderr());
        assertArrayEquals(Files.readAllBytes(plain), decrypted.stdout());

        Path classes = work.resolve("classes.log");
        ExternalTool.Result version = ExternalTool.run(work, new byte[0],
                Map.of("HSMKIT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                List.of(launcher.toString(), "--version"));
        ok(version);
        assertTrue(Files.readString(classes).contains("picocli.CommandLine source: shared objects file"),
                "picocli was not loaded from the launcher's class archive");
    }

    private ExternalTool.Result hsmkit(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TARGET.resolve("hsmkit-cli.jar").toAbsolutePath() + ":" + TARGET.resolve("lib").toAbsolutePath() + "/*",
                "org.hsmkit.cli.Main"));
        command.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent("XDG_DATA_HOME", work.resolve("xdg").toString());
        return ExternalTool.run(work, new byte[0], environment, command);
    }

    private static void ok(ExternalTool.Result r) {
        assertEquals(0, r.exitCode(), () -> "stdout: " + r.stdoutText() + "\nstderr: " + r.stderr());
    }
}
