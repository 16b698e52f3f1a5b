package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several inputs in one run, for every file command: outputs named as for one file or put in
 * --output-dir, a failing file that does not stop the others (unless --fail-fast), the summary
 * line, and the exit code of the most severe failure.
 */
class BatchCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() {
        cli = new CmsCliFixture(dir);
    }

    private static byte[] bytes(String name) throws Exception {
        return Files.readAllBytes(dir.resolve(name));
    }

    @Test
    void encryptsSeveralFilesBesideTheirInputsAndDecryptsThemIntoADirectory() throws Exception {
        for (int i = 0; i < 3; i++) {
            cli.write("e" + i + ".bin", 1000 * i, i);
        }
        CmsCliFixture.Result enc = cli.run("encrypt", "-r", "alice-rsa2048.pem", "e0.bin", "e1.bin", "e2.bin");
        assertEquals(0, enc.exit(), enc.stderr());
        assertTrue(enc.stderr().contains("hsmkit: encrypted 3 of 3 files"), enc.stderr());
        CmsCliFixture.Result dec = cli.run("decrypt", "--output-dir", "plain", "e0.bin.p7m", "e1.bin.p7m", "e2.bin.p7m");
        assertEquals(0, dec.exit(), dec.stderr());
        assertTrue(dec.stderr().contains("hsmkit: decrypted 3 of 3 files"), dec.stderr());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(bytes("e" + i + ".bin"), bytes("plain/e" + i + ".bin"));
        }
    }

    @Test
    void aFailingInputDoesNotStopTheOthersAndSetsTheExitCode() throws Exception {
        cli.write("f1.bin", 10, 1);
        cli.write("f3.bin", 10, 3);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "alice-rsa2048.pem", "f1.bin", "missing.bin", "f3.bin");
        assertEquals(ExitCode.INPUT, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: error: missing.bin: the input missing.bin does not exist"), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: encrypted 2 of 3 files; 1 failed (exit code 4)"), r.stderr());
        assertTrue(Files.exists(dir.resolve("f1.bin.p7m")));
        assertTrue(Files.exists(dir.resolve("f3.bin.p7m")));
        assertFalse(Files.exists(dir.resolve("missing.bin.p7m")));
        assertEquals(List.of(), cli.partials());
    }

    /** With --force the second would replace the first, and both would be reported done. */
    @ParameterizedTest(name = "--jobs {0}")
    @ValueSource(ints = {1, 2})
    void inputsOfTheSameNameMeetingInTheOutputDirectoryAreNotBothWritten(int jobs) throws Exception {
        Files.createDirectories(dir.resolve("jan" + jobs));
        Files.createDirectories(dir.resolve("feb" + jobs));
        Files.write(dir.resolve("jan" + jobs + "/report.bin"), new byte[] {1});
        Files.write(dir.resolve("feb" + jobs + "/report.bin"), new byte[] {2, 2});
        CmsCliFixture.Result r = cli.run("--force", "encrypt", "--jobs", String.valueOf(jobs), "-r", "alice-rsa2048.pem",
                "--output-dir", "same" + jobs, "jan" + jobs + "/report.bin", "feb" + jobs + "/report.bin");
        assertEquals(ExitCode.USAGE, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("report.bin.p7m is also the output of "), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: encrypted 1 of 2 files; 1 failed (exit code 2)"), r.stderr());
        try (var out = Files.list(dir.resolve("same" + jobs))) {
            assertEquals(1, out.count());
        }
        CmsCliFixture.Result twice = cli.run("encrypt", "--jobs", String.valueOf(jobs), "-r", "alice-rsa2048.pem",
                "--output-dir", "twice" + jobs, "jan" + jobs + "/report.bin", "jan" + jobs + "/report.bin");
        assertEquals(ExitCode.USAGE, twice.exit(), twice.stderr());
        assertTrue(twice.stderr().contains("is also the output of the same input given earlier"), twice.stderr());
    }

    @Test
    void anOutputThatIsAnotherInputIsNotWrittenEvenWithForce() throws Exception {
        cli.write("k.bin", 100, 5);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "k.bin").exit());
        byte[] before = bytes("k.bin.p7m");
        CmsCliFixture.Result r = cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "k.bin", "k.bin.p7m");
        assertEquals(ExitCode.USAGE, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: error: k.bin: its output k.bin.p7m is another input of this run"), r.stderr());
        assertArrayEquals(before, bytes("k.bin.p7m"), "the other input is not written over");
        assertTrue(Files.exists(dir.resolve("k.bin.p7m.p7m")), "the other input is worked on");
    }

    /** An output directory that is the inputs' own: each output would be its input. */
    @Test
    void anOutputThatIsItsOwnInputIsNotWrittenEvenWithForce() throws Exception {
        for (String m : List.of("own1.eml", "own2.eml")) {
            Files.writeString(dir.resolve(m), "From: alice@hsmkit.test\r\nSubject: " + m + "\r\n\r\nbody\r\n");
        }
        byte[] before = bytes("own1.eml");
        CmsCliFixture.Result r = cli.run("--force", "smime", "sign", "--key", "alice-rsa2048", "--output-dir", ".", "own1.eml", "own2.eml");
        assertEquals(ExitCode.USAGE, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("own1.eml is the input itself"), r.stderr());
        assertArrayEquals(before, bytes("own1.eml"));
    }

    /** An existing output stops its file only, and the hint fits a batch: -o is not for several inputs. */
    @Test
    void anExistingOutputInABatchIsRefusedWithAHintForBatches() throws Exception {
        cli.write("x1.bin", 10, 1);
        cli.write("x2.bin", 10, 2);
        Files.createDirectories(dir.resolve("xout"));
        Files.writeString(dir.resolve("xout/x1.bin.p7m"), "an earlier file");
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "alice-rsa2048.pem", "--output-dir", "xout", "x1.bin", "x2.bin");
        assertEquals(ExitCode.USAGE, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: error: x1.bin: its output " + dir.resolve("xout").resolve("x1.bin.p7m") + " exists\n"
                + "hsmkit: hint: pass --force to replace the outputs, or choose another --output-dir\n"), r.stderr());
        assertEquals("an earlier file", Files.readString(dir.resolve("xout/x1.bin.p7m")));
        assertTrue(Files.exists(dir.resolve("xout/x2.bin.p7m")));

        CmsCliFixture.Result beside = cli.run("encrypt", "-r", "alice-rsa2048.pem", "x1.bin", "x2.bin");
        assertEquals(0, beside.exit(), beside.stderr());
        CmsCliFixture.Result again = cli.run("encrypt", "-r", "alice-rsa2048.pem", "x1.bin", "x2.bin");
        assertTrue(again.stderr().contains("hsmkit: hint: pass --force to replace the outputs, or write them elsewhere with --output-dir DIR"),
                again.stderr());
        CmsCliFixture.Result forced = cli.run("--force", "encrypt", "-r", "alice-rsa2048.pem", "--output-dir", "xout", "x1.bin", "x2.bin");
        assertEquals(0, forced.exit(), forced.stderr());
        assertFalse(Files.readString(dir.resolve("xout/x1.bin.p7m"), java.nio.charset.StandardCharsets.ISO_8859_1).equals("an earlier file"));
    }

    @Test
    void failFastLeavesTheLaterInputsUntried() throws Exception {
        cli.write("g2.bin", 10, 2);
        CmsCliFixture.Result r = cli.run("encrypt", "--jobs", "1", "--fail-fast", "-r", "alice-rsa2048.pem", "gone.bin", "g2.bin");
        assertEquals(ExitCode.INPUT, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: encrypted 0 of 2 files; 1 failed; 1 not tried (--fail-fast)"), r.stderr());
        assertFalse(Files.exists(dir.resolve("g2.bin.p7m")));
    }

    @Test
    void theExitCodeIsTheMostSevereMet() throws Exception {
        cli.write("v1.txt", 100, 1);
        cli.write("v2.txt", 100, 2);
        assertEquals(0, cli.run("sign", "--key", "alice-rsa2048", "v1.txt", "v2.txt").exit());
        Files.write(dir.resolve("v2.txt"), "changed".getBytes(StandardCharsets.UTF_8));
        CmsCliFixture.Result failed = cli.run("verify", "--trust", "root.pem", "v1.txt.p7s", "v2.txt.p7s");
        assertEquals(ExitCode.VERIFICATION_FAILED, failed.exit(), failed.stderr());
        assertTrue(failed.out().contains("v1.txt.p7s: signature OK"), failed.out());
        assertTrue(failed.stderr().contains("hsmkit: error: v2.txt.p7s: "), failed.stderr());
        CmsCliFixture.Result worse = cli.run("verify", "--trust", "root.pem", "v1.txt.p7s", "v2.txt.p7s", "none.p7s");
        assertEquals(ExitCode.INPUT, worse.exit(), worse.stderr());
        assertTrue(worse.stderr().contains("hsmkit: verified 1 of 3 files; 2 failed (exit code 4)"), worse.stderr());
    }

    @Test
    void inputsFromANulSeparatedListOnStandardInput() throws Exception {
        cli.write("n 1.bin", 5, 1);
        cli.write("n\n2.bin", 5, 2);
        byte[] list = "n 1.bin\0n\n2.bin\0".getBytes(StandardCharsets.UTF_8);
        CmsCliFixture.Result r = cli.runWithInput(list, "encrypt", "-r", "bob-p256.pem", "--files-from", "-", "-0");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(Files.exists(dir.resolve("n 1.bin.p7m")));
        assertTrue(Files.exists(dir.resolve("n\n2.bin.p7m")));
    }

    @Test
    void oneOutputNameForSeveralInputsIsAUsageError() throws Exception {
        cli.write("o1.bin", 5, 1);
        cli.write("o2.bin", 5, 2);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "bob-p256.pem", "-o", "both.p7m", "o1.bin", "o2.bin");
        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.stderr().contains("hsmkit: error: -o names one output, but 2 inputs are given"), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: hint: use --output-dir DIR"), r.stderr());
        assertFalse(Files.exists(dir.resolve("both.p7m")));
        assertFalse(Files.exists(dir.resolve("o1.bin.p7m")));
        CmsCliFixture.Result stdin = cli.run("encrypt", "-r", "bob-p256.pem", "o1.bin", "-");
        assertEquals(ExitCode.USAGE, stdin.exit());
        // standard input has no name to write under --output-dir (a file called '-' appeared there)
        CmsCliFixture.Result unnamed = cli.runWithInput(new byte[] {1, 2, 3}, "encrypt", "-r", "bob-p256.pem", "--output-dir", "unnamed", "-");
        assertEquals(ExitCode.USAGE, unnamed.exit());
        assertTrue(unnamed.stderr().contains("standard input has no file name to write under --output-dir"), unnamed.stderr());
        assertFalse(Files.exists(dir.resolve("unnamed").resolve("-")));
        CmsCliFixture.Result nul = cli.run("encrypt", "-r", "bob-p256.pem", "-0", "o1.bin");
        assertEquals(ExitCode.USAGE, nul.exit());
        assertTrue(nul.stderr().contains("-0 applies to --files-from"), nul.stderr());
        for (String jobs : List.of("0", "-3")) {
            CmsCliFixture.Result none = cli.run("encrypt", "--jobs", jobs, "-r", "bob-p256.pem", "o1.bin", "o2.bin");
            assertEquals(ExitCode.USAGE, none.exit(), none.stderr());
            assertTrue(none.stderr().startsWith("hsmkit: error: --jobs " + jobs + " is not a number of workers\n"), none.stderr());
            assertFalse(Files.exists(dir.resolve("o1.bin.p7m")));
        }
    }

    /**
     * An output that exists (a command run again) is refused before the token is opened: the PIN,
     * typed at a terminal, would otherwise be asked for nothing. A wrong PIN shows the order: it is
     * never tried, and the error is the output's.
     */
    @Test
    void anExistingOutputIsRefusedBeforeThePinIsUsed() throws Exception {
        cli.write("again.txt", 5, 4);
        assertEquals(0, cli.run("encrypt", "-r", "bob-p256.pem", "again.txt").exit());
        Files.writeString(dir.resolve("again.txt.p7s"), "an earlier signature");
        Files.writeString(dir.resolve("again.eml"), "From: bob@hsmkit.test\r\nSubject: s\r\n\r\nbody\r\n");
        Files.writeString(dir.resolve("again-signed.eml"), "an earlier message");
        java.util.Map<String, String> wrongPin = java.util.Map.of(CmsCliFixture.PIN_VAR, "not the passphrase");
        for (String[] command : List.of(new String[] {"sign", "--key", "bob-p256", "again.txt"},
                new String[] {"decrypt", "again.txt.p7m"},
                new String[] {"rewrap", "--key", "bob-p256", "--add-recipient", "alice-rsa2048.pem", "-o", "again.txt.p7s", "again.txt.p7m"},
                new String[] {"smime", "sign", "--key", "bob-p256", "-o", "again-signed.eml", "again.eml"})) {
            CmsCliFixture.Result r = cli.runWithEnv(wrongPin, command);
            assertEquals(ExitCode.USAGE, r.exit(), String.join(" ", command) + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("hsmkit: error: ") && r.stderr().contains("exists"), r.stderr());
        }
        // a --cert file that does not exist: the same order
        for (String[] command : List.of(new String[] {"sign", "--key", "bob-p256", "--cert", "missing.pem", "-o", "new.p7s", "again.txt"},
                new String[] {"decrypt", "--key", "bob-p256", "--cert", "missing.pem", "-o", "new.txt", "again.txt.p7m"})) {
            CmsCliFixture.Result r = cli.runWithEnv(wrongPin, command);
            assertEquals(ExitCode.INPUT, r.exit(), String.join(" ", command) + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("hsmkit: error: the certificate file ") && r.stderr().contains("missing.pem does not exist"),
                    r.stderr());
        }
        assertEquals("an earlier signature", Files.readString(dir.resolve("again.txt.p7s")));
        assertEquals("an earlier message", Files.readString(dir.resolve("again-signed.eml")));
    }

    /**
     * A certificate can come from standard input ({@code curl …/bob.pem | hsmkit encrypt -r - f}),
     * and standard input serves one purpose per command: as recipient and input at once it is a
     * usage error, with nothing written.
     */
    @Test
    void aCertificateFromStandardInputButStandardInputOnlyOnce() throws Exception {
        cli.write("piped.bin", 100, 5);
        byte[] bob = Files.readAllBytes(dir.resolve("bob-p256.pem"));
        assertEquals(0, cli.runWithInput(bob, "encrypt", "-r", "-", "-o", "piped.p7m", "piped.bin").exit());
        assertEquals(0, cli.run("decrypt", "--key", "bob-p256", "-o", "piped.out", "piped.p7m").exit());
        assertArrayEquals(bytes("piped.bin"), bytes("piped.out"));

        CmsCliFixture.Result twice = cli.runWithInput(bob, "encrypt", "-r", "-", "-o", "twice.p7m", "-");
        assertEquals(ExitCode.USAGE, twice.exit());
        assertTrue(twice.stderr().startsWith("hsmkit: error: standard input ('-') is a certificate file already; it cannot also be"
                + " the input\n"), twice.stderr());
        assertFalse(Files.exists(dir.resolve("twice.p7m")));

        assertEquals(0, cli.run("sign", "--key", "bob-p256", "-o", "piped.p7s", "piped.bin").exit());
        CmsCliFixture.Result trusted = cli.runWithInput(Files.readAllBytes(dir.resolve("root.pem")),
                "verify", "--trust", "-", "--content", "piped.bin", "piped.p7s");
        assertEquals(0, trusted.exit(), trusted.stderr());
    }

    /** -o and --output-dir together: one would be ignored (it was --output-dir, silently, though it was created). */
    @Test
    void oneOutputAndAnOutputDirectoryExcludeEachOther() throws Exception {
        cli.write("od.bin", 5, 3);
        CmsCliFixture.Result r = cli.run("encrypt", "-r", "bob-p256.pem", "-o", "od.p7m", "--output-dir", "od-dir", "od.bin");
        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.stderr().startsWith("hsmkit: error: -o and --output-dir exclude each other\n"), r.stderr());
        assertEquals(0, r.stdout().length);
        assertFalse(Files.exists(dir.resolve("od.p7m")));
        assertFalse(Files.exists(dir.resolve("od-dir")));
    }

    /**
     * An output named after an input that is not a regular file would go beside a device or a
     * pipe: /dev/null.p7m (in /dev, run as root), /dev/fd/63.p7m for {@code <(…)}. Refused; with -o
     * or --output-dir such an input is fine.
     */
    @Test
    void anOutputIsNotNamedAfterADeviceOrPipe() throws Exception {
        Path beside = Path.of("/dev/null.p7m");
        try {
            for (String[] command : List.of(new String[] {"encrypt", "-r", "bob-p256.pem", "/dev/null"},
                    new String[] {"sign", "--key", "bob-p256", "/dev/null"})) {
                CmsCliFixture.Result r = cli.run(command);
                assertEquals(ExitCode.USAGE, r.exit(), r.stderr());
                assertTrue(r.stderr().startsWith("hsmkit: error: /dev/null is not a regular file (a device or a pipe)"), r.stderr());
                assertTrue(r.stderr().contains("hsmkit: hint: name the output with -o FILE"), r.stderr());
                assertFalse(Files.exists(beside));
            }
        } finally {
            Files.deleteIfExists(beside);
        }
        assertEquals(0, cli.run("encrypt", "-r", "bob-p256.pem", "-o", "empty.p7m", "/dev/null").exit());
        assertEquals(0, cli.run("encrypt", "-r", "bob-p256.pem", "--output-dir", "from-dev", "/dev/null").exit());
        assertTrue(Files.exists(dir.resolve("from-dev/null.p7m")));
    }

    @Test
    void smimeMessagesNeedAnOutputDirectory() throws Exception {
        for (String m : List.of("m1.eml", "m2.eml")) {
            Files.writeString(dir.resolve(m), "From: alice@hsmkit.test\nTo: bob@hsmkit.test\nSubject: " + m + "\n\nHello " + m + "\n");
        }
        CmsCliFixture.Result refused = cli.run("smime", "sign", "--key", "alice-rsa2048", "m1.eml", "m2.eml");
        assertEquals(ExitCode.USAGE, refused.exit());
        assertTrue(refused.stderr().contains("--output-dir"), refused.stderr());
        CmsCliFixture.Result signed = cli.run("smime", "sign-encrypt", "--key", "alice-rsa2048", "-r", "bob-p256.pem",
                "--output-dir", "sent", "m1.eml", "m2.eml");
        assertEquals(0, signed.exit(), signed.stderr());
        CmsCliFixture.Result dec = cli.run("smime", "decrypt", "--key", "bob-p256", "--output-dir", "received", "sent/m1.eml", "sent/m2.eml");
        assertEquals(0, dec.exit(), dec.stderr());
        CmsCliFixture.Result ver = cli.run("smime", "verify", "--trust", "root.pem", "--output-dir", "read", "received/m1.eml",
                "received/m2.eml");
        assertEquals(0, ver.exit(), ver.stderr());
        assertTrue(Files.readString(dir.resolve("read/m2.eml")).contains("Hello m2.eml"));
    }

    @Test
    void pdfSignAndVerifyTakeSeveralFiles() throws Exception {
        Path pdf = PdfCommandTest.corpus("pdfbox-sign_me.pdf");
        Files.copy(pdf, dir.resolve("p1.pdf"));
        Files.copy(pdf, dir.resolve("p2.pdf"));
        CmsCliFixture.Result sign = cli.run("pdf", "sign", "--key", "alice-rsa2048", "--output-dir", "signed", "p1.pdf", "p2.pdf");
        assertEquals(0, sign.exit(), sign.stderr());
        assertTrue(Files.exists(dir.resolve("signed/p1-signed.pdf")));
        CmsCliFixture.Result verify = cli.run("pdf", "verify", "--trust", "root.pem", "signed/p1-signed.pdf", "signed/p2-signed.pdf", "p1.pdf");
        assertEquals(ExitCode.VERIFICATION_FAILED, verify.exit(), verify.stderr() + verify.out());
        assertTrue(verify.stderr().contains("hsmkit: verified 2 of 3 files; 1 failed (exit code 1)"), verify.stderr());
    }
}
