package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.core.cms.CmsVerifier;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.pdf.PdfVerifier;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 at random moments of encrypt, decrypt, sign, pdf sign, smime sign and a soft-token change,
 * with the CLI in its own JVM as the launcher runs it. After every kill: the target is absent or
 * complete and verifies, the input is untouched, whatever is left lies beside the target under a
 * hidden name that says whose it is ({@code .TARGET.PID-START.N.partial|stage}), and the next run
 * of the same command removes it; the soft token stays readable with its old or its new keys.
 *
 * <p>Ctrl-C, SIGTERM and SIGHUP are caught: the interrupted command removes its own work files as
 * it exits and leaves no target.
 *
 * <p>Kills per command: {@code -Dhsmkit.kills=N} (default 1, at a new random moment in every build;
 * the README's figure comes from a longer run).
 * The random moments come from a seed printed with each failure ({@code -Dhsmkit.killSeed=S}).
 */
class CrashSafetyIT {
    private static final Path TARGET = Path.of("target");
    private static final int KILLS = Integer.getInteger("hsmkit.kills", 1);
    private static final long SEED = Long.getLong("hsmkit.killSeed", System.nanoTime());
    private static final Pattern LEFTOVER = Pattern.compile("\\.[^/]+\\.\\d+-\\d+\\.\\d+\\.(partial|stage)");

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        TestPki.standard().writeTo(dir);
        byte[] big = new byte[16 << 20];
        new Random(1).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        ok(hsmkit(Map.of(), "encrypt", "-r", "alice-rsa2048.pem", "-o", "big.p7m", "big.bin"));
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            byte[] filler = new byte[8 << 20];
            new Random(2).nextBytes(filler);
            PDStream s = new PDStream(doc, new java.io.ByteArrayInputStream(filler), COSName.FLATE_DECODE);
            page.getCOSObject().setItem(COSName.getPDFName("HsmkitFiller"), s);
            doc.save(dir.resolve("big.pdf").toFile());
        }
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(TestUser.ALICE_RSA2048.email()));
        m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(TestUser.BOB_P256.email()));
        m.setSubject("big");
        m.setText("x".repeat(76).concat("\r\n").repeat(80_000), "US-ASCII");
        m.saveChanges();
        try (OutputStream out = Files.newOutputStream(dir.resolve("big.eml"))) {
            m.writeTo(out);
        }
        Files.copy(dir.resolve("alice-rsa2048.p12"), dir.resolve("token.p12"));
    }

    /** One command, how to check its finished output, and its input. */
    private record Job(String name, String input, String output, List<String> args) {
    }

    private static Job job(String name) {
        String alice = "alice-rsa2048";
        return switch (name) {
            case "encrypt" -> new Job(name, "big.bin", "enc.p7m", List.of("encrypt", "-r", "bob-p256.pem", "-o", "enc.p7m", "big.bin"));
            case "decrypt" -> new Job(name, "big.p7m", "dec.bin", soft(alice, "decrypt", "-o", "dec.bin", "big.p7m"));
            case "sign" -> new Job(name, "big.bin", "big.p7s", soft(alice, "sign", "--key", alice, "--attached", "-o", "big.p7s", "big.bin"));
            case "pdf-sign" -> new Job(name, "big.pdf", "signed.pdf", soft(alice, "pdf", "sign", "--key", alice, "-o", "signed.pdf", "big.pdf"));
            case "smime-sign" -> new Job(name, "big.eml", "signed.eml", soft(alice, "smime", "sign", "--key", alice, "-o", "signed.eml", "big.eml"));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static List<String> soft(String user, String... args) {
        List<String> out = new ArrayList<>(List.of("-t", "soft:" + dir.resolve(user + ".p12"), "--pin-env", "PIN"));
        out.addAll(List.of(args));
        return out;
    }

    /** Checks a finished output in this JVM, with the library: no second CLI start per check. */
    private static void verify(Job j) throws Exception {
        List<java.security.cert.X509Certificate> root = List.of(TestPki.standard().root().certificate());
        Path out = dir.resolve(j.output());
        switch (j.name()) {
            case "encrypt" -> {
                TestPki.Credential bob = TestPki.standard().user(TestUser.BOB_P256);
                Path check = dir.resolve("check.bin");
                try (var in = Files.newInputStream(out); AtomicOutput o = AtomicOutput.toFile(check, true)) {
                    CmsDecryptor.withKey(SoftKey.of(bob.privateKey(), bob.chain(), "bob")).decrypt(in, o);
                }
                assertArrayEquals(sha256(dir.resolve("big.bin")), sha256(check));
            }
            case "decrypt" -> assertArrayEquals(sha256(dir.resolve("big.bin")), sha256(out));
            case "sign" -> {
                try (var in = Files.newInputStream(out)) {
                    assertEquals(1, CmsVerifier.trusting(root).verify(in, null, OutputStream.nullOutputStream()).size());
                }
            }
            case "pdf-sign" -> assertTrue(PdfVerifier.trusting(root).verify(out).valid());
            case "smime-sign" -> {
                try (var in = Files.newInputStream(out)) {
                    SmimeReport r = SmimeReader.builder().trustAnchors(root).build().read(new MimeMessage(Session.getInstance(new Properties()), in));
                    assertTrue(r.verified(), r.problems().toString());
                }
            }
            default -> throw new IllegalArgumentException(j.name());
        }
    }

    @ParameterizedTest(name = "kill -9 during {0}")
    @ValueSource(strings = {"encrypt", "decrypt", "sign", "pdf-sign", "smime-sign"})
    void aKillLeavesTheTargetAbsentOrCompleteAndTheNextRunCleansUp(String name) throws Exception {
        Job j = job(name);
        byte[] input = sha256(dir.resolve(j.input()));
        Random random = new Random(SEED ^ name.hashCode());
        long full = timed(j);
        verify(j);
        int complete = 0;
        int absent = 0;
        int withLeftovers = 0;
        for (int k = 0; k < KILLS; k++) {
            Files.deleteIfExists(dir.resolve(j.output()));
            // every other kill lands while the output is being written: most of a run is the JVM starting
            boolean whileWriting = k % 2 == 0;
            long at = (long) (random.nextDouble() * (whileWriting ? 300 : full));
            boolean finished = whileWriting ? killWhileWriting(j, at, full) : killAfter(j, at);
            String where = name + ", kill " + (k + 1) + (whileWriting ? " " + at + " ms after the output appeared" : " at " + at + " of "
                    + full + " ms") + " (seed " + SEED + ")";
            if (Files.exists(dir.resolve(j.output()))) {
                verify(j); // complete, or it would not be there
                complete++;
            } else {
                absent++;
            }
            assertArrayEquals(input, sha256(dir.resolve(j.input())), "the input changed: " + where);
            for (String left : leftovers(j)) {
                assertTrue(!finished && LEFTOVER.matcher(left).matches(), "unexpected file " + left + ": " + where);
            }
            withLeftovers += leftovers(j).isEmpty() ? 0 : 1;
            // the same command again: it removes the leftovers (and, with the target there, refuses)
            ExternalTool.Result again = hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), j.args().toArray(String[]::new));
            assertTrue(again.exitCode() == 0 || again.exitCode() == 2, where + ": " + again.stderr());
            assertEquals(List.of(), leftovers(j), "left after the next run: " + where);
            if (again.exitCode() == 0) {
                verify(j);
            }
        }
        // the figures the README quotes (kills per command and what each left)
        System.out.printf("crash safety: %s, %d ms per run: %d kills, %d left the target complete and verified, %d left none,"
                + " %d left work files that the next run removed%n", name, full, KILLS, complete, absent, withLeftovers);
    }

    @ParameterizedTest(name = "kill -9 during key generate ({0})")
    @ValueSource(strings = {"ec:P-256"})
    void aKillDuringASoftTokenChangeLeavesTheOldOrTheNewToken(String type) throws Exception {
        Random random = new Random(SEED);
        List<String> generate = List.of("-t", "soft:" + dir.resolve("token.p12"), "--pin-env", "PIN", "key", "generate", "--type", type,
                "--label");
        long start = System.nanoTime();
        ok(hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), concat(generate, "first")));
        long full = (System.nanoTime() - start) / 1_000_000;
        int keys = keyCount();
        for (int k = 0; k < KILLS; k++) {
            long at = (long) (random.nextDouble() * full);
            boolean finished = killAfter(new Job("key", "token.p12", "token.p12", List.of(concat(generate, "k" + k))), at);
            int now = keyCount(); // the token still opens with its passphrase
            assertTrue(now == keys || now == keys + 1, "keys " + keys + " -> " + now + " (kill at " + at + " ms, seed " + SEED + ")");
            assertTrue(finished || now == keys || now == keys + 1);
            System.out.printf("crash safety: key generate, kill %d at %d of %d ms: the token opens, %s%n", k + 1, at, full,
                    now == keys ? "old keys" : "new key added");
            keys = now;
        }
        ok(hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), concat(generate, "last")));
        assertEquals(keys + 1, keyCount());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".token.p12.") && !n.endsWith(".lock")).toList());
        }
    }

    /**
     * Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) while a command writes. The input comes
     * from a pipe that the test stops feeding half-way, so the signal lands while the work file
     * exists, every time.
     */
    @ParameterizedTest(name = "SIG{1} during {0}")
    @CsvSource({
        "encrypt to a file,   INT,  -o enc.p7m",
        "decrypt to a file,   TERM, -o dec.bin",
        "decrypt to a pipe,   INT,  -o -",
        "pdf sign from a pipe, HUP, -o signed.pdf",
    })
    void anInterruptedRunRemovesItsWorkFilesAndLeavesNoTarget(String what, String signal, String output) throws Exception {
        String target = output.substring(3);
        List<String> args = switch (what) {
            case "encrypt to a file" -> List.of("encrypt", "-r", "bob-p256.pem", "-o", target, "-");
            case "pdf sign from a pipe" -> soft("alice-rsa2048", "pdf", "sign", "--key", "alice-rsa2048", "-o", target, "-");
            default -> soft("alice-rsa2048", "decrypt", "-o", target, "-");
        };
        Path input = dir.resolve(what.startsWith("encrypt") ? "big.bin" : what.startsWith("pdf") ? "big.pdf" : "big.p7m");
        Path tmp = Files.createDirectories(dir.resolve("tmp-" + signal));
        int number = Map.of("HUP", 1, "INT", 2, "TERM", 15).get(signal);
        List<String> command = new ArrayList<>();
        if (new ProcessBuilder("env", "--default-signal=INT,TERM,HUP", "true").start().waitFor() == 0) {
            command.addAll(List.of("env", "--default-signal=INT,TERM,HUP")); // as a shell in a terminal starts it
        } else {
            // coreutils before 8.31: a signal this JVM was started ignoring stays ignored in the child
            String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                    .map(l -> l.substring(7).trim()).findFirst().orElse("0");
            assumeTrue((Long.parseLong(ignored, 16) & (1L << (number - 1))) == 0, "SIG" + signal + " is ignored here, and env cannot reset it");
        }
        command.addAll(command(args.toArray(String[]::new)));
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        b.environment().put("PIN", TestPki.P12_PASSWORD);
        b.environment().put("XDG_DATA_HOME", dir.resolve("xdg").toString());
        b.environment().put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        Process p = b.start();
        try (OutputStream feed = p.getOutputStream()) {
            feed.write(Files.readAllBytes(input), 0, (int) Files.size(input) / 2);
            feed.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (workFiles(target, tmp).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(p.isAlive() && !workFiles(target, tmp).isEmpty(), "no work file while the input was half read");
            assertEquals(0, new ProcessBuilder("kill", "-s", signal, Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } catch (IOException brokenPipe) {
            // the process ended before the pipe closed
        }
        assertEquals(128 + number, p.waitFor(), "exit code");
        assertEquals(List.of(), workFiles(target, tmp), "work files left");
        assertTrue(target.equals("-") || !Files.exists(dir.resolve(target)), "target written");
    }

    /** The work files beside {@code target} and in {@code tmp}. */
    private static List<String> workFiles(String target, Path tmp) throws IOException {
        List<String> found = new ArrayList<>(leftovers(new Job("", "", target, List.of())));
        try (Stream<Path> s = Files.list(tmp)) {
            s.map(p -> p.getFileName().toString()).forEach(found::add);
        }
        return found;
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }

    /** The keys of the soft token, read with the library (it must open with its passphrase). */
    private static int keyCount() {
        try (Token t = TokenSpec.parse("soft:" + dir.resolve("token.p12"))
                .open(TokenOptions.withPins(PinSource.of(TestPki.P12_PASSWORD.toCharArray())))) {
            return t.keys().size();
        }
    }

    private static List<String> leftovers(Job j) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + j.output() + ".")).sorted().toList();
        }
    }

    /** Runs the job to its end; returns the milliseconds it took. */
    private static long timed(Job j) throws Exception {
        Files.deleteIfExists(dir.resolve(j.output()));
        long start = System.nanoTime();
        ok(hsmkit(Map.of("PIN", TestPki.P12_PASSWORD), j.args().toArray(String[]::new)));
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Starts the job and kills it (SIGKILL) after {@code ms}; returns whether it had finished by itself. */
    private static boolean killAfter(Job j, long ms) throws Exception {
        Process p = start(j);
        boolean finished = p.waitFor(ms, TimeUnit.MILLISECONDS);
        if (!finished) {
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
        }
        return finished;
    }

    /**
     * Starts the job, waits for its work file (or the target) to appear, and kills it {@code ms}
     * later; returns whether it had finished by itself.
     */
    private static boolean killWhileWriting(Job j, long ms, long full) throws Exception {
        Process p = start(j);
        long deadline = System.nanoTime() + 4 * full * 1_000_000;
        while (System.nanoTime() < deadline && p.isAlive() && leftovers(j).isEmpty() && !Files.exists(dir.resolve(j.output()))) {
            Thread.sleep(2);
        }
        assertTrue(p.isAlive() || Files.exists(dir.resolve(j.output())), "the run ended without writing anything (exit "
                + (p.isAlive() ? "-" : p.exitValue()) + ")");
        boolean finished = p.waitFor(ms, TimeUnit.MILLISECONDS);
        if (!finished) {
            p.destroyForcibly();
            p.waitFor();
        }
        return finished;
    }

    private static Process start(Job j) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command(j.args().toArray(String[]::new))).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        b.environment().put("PIN", TestPki.P12_PASSWORD);
        b.environment().put("XDG_DATA_HOME", dir.resolve("xdg").toString());
        return b.start();
    }

    private static List<String> command(String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TARGET.resolve("hsmkit-cli.jar").toAbsolutePath() + ":" + TARGET.resolve("lib").toAbsolutePath() + "/*",
                "org.hsmkit.cli.Main"));
        c.addAll(List.of(args));
        return c;
    }

    private static ExternalTool.Result hsmkit(Map<String, String> env, String... args) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putIfAbsent("PIN", TestPki.P12_PASSWORD);
        e.put("XDG_DATA_HOME", dir.resolve("xdg").toString());
        return ExternalTool.run(dir, new byte[0], e, command(args));
    }

    private static void ok(ExternalTool.Result r) {
        assertEquals(0, r.exitCode(), () -> "stdout: " + r.stdoutText() + "\nstderr: " + r.stderr());
    }

    private static byte[] sha256(Path p) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }
}
