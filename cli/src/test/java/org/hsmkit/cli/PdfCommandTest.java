package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit pdf sign|verify|extend} end to end through the one command-line factory. */
class PdfCommandTest {
    static PkiResponders responders;
    static Path home;
    static Path softToken;
    static Path pinFile;
    static Path root;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        responders = PkiResponders.start();
        home = Files.createTempDirectory("hsmkit-pdf-cli");
        softToken = home.resolve("token.p12");
        pinFile = home.resolve("pin.txt");
        Files.writeString(pinFile, "soft-token-passphrase\n");
        TestPki.Credential alice = responders.pki().user(TestUser.ALICE_RSA2048);
        try (Token t = TokenSpec.parse("soft:" + softToken).open(TokenOptions.withPins(PinSource.fromFile(pinFile)))) {
            t.importKey(alice.privateKey(), alice.chain(), "alice", null);
        }
        root = home.resolve("root.pem");
        Files.writeString(root, TestPki.pem(List.of(responders.pki().root().certificate())));
    }

    @AfterAll
    static void tearDown() {
        responders.close();
    }

    static Path corpus(String name) {
        for (String base : List.of("../testdata/src/main/resources/pdf-corpus", "../../shared/pdf-corpus")) {
            Path p = Path.of(base, name);
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new AssertionError("corpus file " + name + " not found");
    }

    Run hsmkit(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir);
        int code = HsmkitCli.run(ctx, args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record RawRun(int code, byte[] out, String err) {
    }

    /** A run with {@code stdin} as standard input and standard output kept as bytes (a PDF). */
    RawRun raw(byte[] stdin, boolean withToken, String... args) {
        List<String> all = new java.util.ArrayList<>();
        if (withToken) {
            all.addAll(List.of("-t", "soft:" + softToken, "--pin-file", pinFile.toString()));
        }
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new ByteArrayInputStream(stdin), new PrintStream(out, true), new PrintStream(err, true,
                StandardCharsets.UTF_8), Map.of(), dir);
        int code = HsmkitCli.run(ctx, all.toArray(String[]::new));
        return new RawRun(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static long workFiles() throws java.io.IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().matches("\\.?hsmkit-pdf-std(in|out)\\..*")).count();
        }
    }

    /** '-' for the PDF in and out, as in a pipeline: nothing named '-' is written, and no work file is left. */
    @Test
    void standardInputAndOutputCarryThePdfInAPipeline() throws Exception {
        long before = workFiles();
        byte[] pdf = Files.readAllBytes(corpus("pdfbox-sign_me.pdf"));
        RawRun toStdout = raw(new byte[0], true, "pdf", "sign", "--key", "alice", "-o", "-", corpus("pdfbox-sign_me.pdf").toString());
        assertEquals(0, toStdout.code(), toStdout.err());
        assertTrue(new String(toStdout.out(), 0, 5, StandardCharsets.US_ASCII).equals("%PDF-"), toStdout.err());
        assertTrue(toStdout.err().contains("into standard output"), toStdout.err());
        assertFalse(Files.exists(dir.resolve("-")));

        RawRun piped = raw(pdf, true, "pdf", "sign", "--key", "alice", "-");
        assertEquals(0, piped.code(), piped.err());
        assertTrue(piped.err().startsWith("hsmkit: signed standard input into standard output"), piped.err());
        RawRun extended = raw(piped.out(), false, "pdf", "extend", "--level", "B-LTA", "--tsa", responders.tsaUrl(), "-");
        assertEquals(0, extended.code(), extended.err());
        RawRun verified = raw(extended.out(), false, "pdf", "verify", "--trust", root.toString(), "-");
        String report = new String(verified.out(), StandardCharsets.UTF_8);
        assertEquals(0, verified.code(), report + verified.err());
        assertTrue(report.startsWith("-: 2 signature(s)") && report.contains("'Signature1': TOTAL-PASSED"), report);

        RawRun bad = raw("not a pdf\n".getBytes(StandardCharsets.US_ASCII), true, "pdf", "sign", "--key", "alice", "-");
        assertEquals(4, bad.code());
        assertEquals(0, bad.out().length);
        assertTrue(bad.err().contains("hsmkit: error: standard input is not a PDF"), bad.err());
        assertEquals(before, workFiles());
    }

    Run soft(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-t";
        all[1] = "soft:" + softToken;
        all[2] = "--pin-file";
        all[3] = pinFile.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return hsmkit(all);
    }

    @Test
    void signAtBTThenVerifyWithAndWithoutTrust() {
        Run s = soft("pdf", "sign", "--key", "alice", "--level", "B-T", "--tsa", responders.tsaUrl(), "--reason", "ok",
                "-o", "out.pdf", corpus("pdfbox-sign_me.pdf").toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().startsWith("hsmkit: signed pdfbox-sign_me.pdf into "), s.err());
        Run v = hsmkit("pdf", "verify", "--trust", root.toString(), "out.pdf");
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("'Signature1': TOTAL-PASSED\n") && v.out().contains("B-T") && v.out().contains("proven time"),
                v.out());
        assertTrue(v.out().strip().endsWith("the signature is TOTAL-PASSED"), v.out());
        Run untrusted = hsmkit("pdf", "verify", "out.pdf");
        assertEquals(1, untrusted.code(), untrusted.out());
        assertTrue(untrusted.out().contains("'Signature1': INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND"), untrusted.out());
        assertTrue(untrusted.out().contains("verdict:       the signature is intact, but hsmkit was not told to trust its issuer:"
                + " pass --trust or --trust-system"), untrusted.out());
        assertTrue(untrusted.out().contains("no trust anchors"), untrusted.out());
    }

    @Test
    void jsonCarriesTheVerdictPerSignature() throws Exception {
        assertEquals(0, soft("pdf", "sign", "--key", "alice", "-o", "j.pdf", corpus("pdfbox-sign_me.pdf").toString()).code());
        Run passed = hsmkit("pdf", "verify", "--json", "--trust", root.toString(), "j.pdf");
        assertEquals(0, passed.code(), passed.err());
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(passed.out());
        assertTrue(doc.get("valid").asBoolean());
        var sig = doc.get("signatures").get(0);
        assertEquals("TOTAL-PASSED", sig.get("indication").asText());
        assertFalse(sig.has("subIndication"), "no sub-indication when it passes: " + sig);
        assertEquals("B-B", sig.get("level").asText());
        assertTrue(sig.get("signer").asText().startsWith("CN=Alice RSA-2048,E=alice@hsmkit.test"), sig.toString());
        assertTrue(sig.get("claimedTime").asText().endsWith("Z"), sig.toString());
        assertFalse(sig.has("provenTime"), "absent without a time-stamp: " + sig);

        Run untrusted = hsmkit("pdf", "verify", "--json", "j.pdf");
        assertEquals(1, untrusted.code());
        var u = new com.fasterxml.jackson.databind.ObjectMapper().readTree(untrusted.out()).get("signatures").get(0);
        assertEquals("INDETERMINATE", u.get("indication").asText());
        assertEquals("NO_CERTIFICATE_CHAIN_FOUND", u.get("subIndication").asText());
        assertTrue(u.get("summary").asText().contains("--trust-system"), u.toString());

        Files.writeString(dir.resolve("not.pdf"), "plain text");
        Run broken = hsmkit("pdf", "verify", "--json", "not.pdf");
        assertEquals(ExitCode.INPUT, broken.code(), broken.err());
        var error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(broken.out()).get("error");
        assertEquals("INPUT", error.get("kind").asText());
        assertTrue(error.get("message").asText().contains("not a PDF"), error.toString());
        assertTrue(broken.err().startsWith("hsmkit: error: "), broken.err());
    }

    @Test
    void pssIsAskedForWithPssAsWithTheOtherSigningCommands() throws Exception {
        assertEquals(0, soft("pdf", "sign", "--key", "alice", "--pss", "-o", "pss.pdf", corpus("pdfbox-sign_me.pdf").toString()).code());
        byte[] pdf = Files.readAllBytes(dir.resolve("pss.pdf"));
        try (org.apache.pdfbox.pdmodel.PDDocument d = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            byte[] cms = d.getLastSignatureDictionary().getContents(pdf);
            // the signature's placeholder is padded with zeros after the DER object
            org.bouncycastle.cms.CMSSignedData signed = new org.bouncycastle.cms.CMSSignedData(
                    org.bouncycastle.asn1.cms.ContentInfo.getInstance(new org.bouncycastle.asn1.ASN1InputStream(cms).readObject()));
            assertEquals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSASSA_PSS.getId(),
                    signed.getSignerInfos().iterator().next().getEncryptionAlgOID());
        }
        Run conflict = soft("pdf", "sign", "--key", "alice", "--pss", "--scheme", "pkcs1", "-o", "both.pdf",
                corpus("pdfbox-sign_me.pdf").toString());
        assertEquals(ExitCode.USAGE, conflict.code(), conflict.err());
        assertTrue(conflict.err().contains("contradict"), conflict.err());
        assertFalse(Files.exists(dir.resolve("both.pdf")));
        // one way to ask for PSS in the help, as for sign and smime sign; --scheme stays for old scripts
        String help = hsmkit("pdf", "sign", "--help").out();
        assertTrue(help.contains("--pss") && !help.contains("--scheme"), help);
    }

    @Test
    void extendToLtaAndCatchTampering() throws Exception {
        assertEquals(0, soft("pdf", "sign", "--key", "alice", "--digest", "sha384", "--scheme", "pss", "-o", "bb.pdf",
                corpus("pdfbox-sign_me.pdf").toString()).code());
        Run e = hsmkit("pdf", "extend", "--level", "B-LTA", "--tsa", responders.tsaUrl(), "-o", "lta.pdf", "bb.pdf");
        assertEquals(0, e.code(), e.err());
        Run v = hsmkit("pdf", "verify", "--trust", root.toString(), "lta.pdf");
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("document time-stamp"), v.out());
        Files.writeString(dir.resolve("lta.pdf"), "\n% appended\n", StandardOpenOption.APPEND);
        Run t = hsmkit("pdf", "verify", "--trust", root.toString(), "lta.pdf");
        assertEquals(1, t.code(), t.out());
        assertTrue(t.out().contains("PROBLEM"), t.out());
    }

    /**
     * When the only revocation data there is comes signed with SHA-1, `pdf extend` embeds it and
     * warns that verifiers will not rely on it; `pdf verify` then says INDETERMINATE.
     */
    @Test
    void extendingWithRevocationDataSignedWithSha1Warns() throws Exception {
        assertEquals(0, soft("pdf", "sign", "--key", "alice", "--level", "B-T", "--tsa", responders.tsaUrl(), "-o", "bt.pdf",
                corpus("pdfbox-sign_me.pdf").toString()).code());
        responders.revocationDigest("SHA1");
        Run e;
        try {
            e = hsmkit("pdf", "extend", "--level", "B-LT", "-o", "lt.pdf", "bt.pdf");
        } finally {
            responders.revocationDigest("SHA256");
        }
        assertEquals(0, e.code(), e.err());
        assertTrue(e.err().lines().anyMatch(l -> l.startsWith("hsmkit: warning: the OCSP response on CN=Alice RSA-2048,")
                && l.endsWith("verifiers will not rely on it (EU DSS: INDETERMINATE)")), e.err());
        Run v = hsmkit("pdf", "verify", "--trust", root.toString(), "lt.pdf");
        assertEquals(1, v.code(), v.out());
        assertTrue(v.out().contains("INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE"), v.out());
    }

    @Test
    void visibleCertifiedSignatureOnAnEncryptedPdf() throws Exception {
        Path pw = dir.resolve("pdf-password.txt");
        Files.writeString(pw, "owner\n");
        Run s = soft("pdf", "sign", "--key", "alice", "--password-file", pw.toString(), "--visible", "1:40,40,200,60",
                "--certify", "2", "-o", "enc.pdf", corpus("pdfbox-PasswordSample-256bit.pdf").toString());
        assertEquals(0, s.code(), s.err());
        Run v = hsmkit("pdf", "verify", "--password-file", pw.toString(), "--trust", root.toString(), "enc.pdf");
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("DocMDP P=2"), v.out());
    }

    @Test
    void visibleSignatureOnTheLastPageWithAnImage() throws Exception {
        Path three = dir.resolve("three.pdf");
        try (var d = new org.apache.pdfbox.pdmodel.PDDocument()) {
            for (int i = 0; i < 3; i++) {
                d.addPage(new org.apache.pdfbox.pdmodel.PDPage());
            }
            d.save(three.toFile());
        }
        java.awt.image.BufferedImage logo = new java.awt.image.BufferedImage(40, 20, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(logo, "jpeg", dir.resolve("logo.jpg").toFile());
        Run s = soft("pdf", "sign", "--key", "alice", "--visible-page", "last", "--visible-image", "logo.jpg", "-o", "last.pdf",
                "three.pdf");
        assertEquals(0, s.code(), s.err());
        try (var d = org.apache.pdfbox.Loader.loadPDF(dir.resolve("last.pdf").toFile())) {
            var annots = d.getPage(2).getAnnotations();
            assertEquals(1, annots.size(), "the default box on the last page");
            assertEquals(new org.apache.pdfbox.pdmodel.common.PDRectangle(50, 50, 220, 70).toString(), annots.get(0).getRectangle().toString());
            assertTrue(d.getPage(0).getAnnotations().isEmpty());
        }
        Files.writeString(dir.resolve("logo.txt"), "not an image");
        Run bad = soft("pdf", "sign", "--key", "alice", "--visible", "2:10,10,100,40", "--visible-image", "logo.txt", "-o", "bad.pdf",
                "three.pdf");
        assertEquals(ExitCode.INPUT, bad.code(), bad.err());
        assertTrue(bad.err().contains("neither a PNG nor a JPEG"), bad.err());
        assertFalse(Files.exists(dir.resolve("bad.pdf")));
        Run page = soft("pdf", "sign", "--key", "alice", "--visible-page", "first", "-o", "bad.pdf", "three.pdf");
        assertEquals(ExitCode.USAGE, page.code(), page.err());
        assertTrue(page.err().contains("'first' is not a page"), page.err());
    }

    @Test
    void unreachableTsaExitsWithIoErrorAndNoOutput() {
        String url = PkiResponders.unreachableUrl("/tsa");
        Run s = soft("pdf", "sign", "--key", "alice", "--level", "B-T", "--tsa", url, "-o", "out.pdf",
                corpus("pdfbox-sign_me.pdf").toString());
        assertEquals(5, s.code(), s.err());
        assertTrue(s.err().startsWith("hsmkit: error: ") && s.err().contains(url), s.err());
        assertFalse(Files.exists(dir.resolve("out.pdf")));
    }

    /**
     * Found by fuzzing: PDFBox follows references recursively when it saves the signature's
     * increment, and this file's nest deeper than a thread's stack. Run on a small stack, so that
     * the overflow happens whatever the test thread's size.
     */
    @Test
    void aPdfWhoseReferencesNestTooDeeplyIsAnInputErrorWithNothingWritten() throws Exception {
        Path deep = dir.resolve("deep.pdf");
        try (var in = getClass().getResourceAsStream("/org/hsmkit/fuzz/PdfSignFuzzTestInputs/sign/regression-references-nested-too-deeply.pdf")) {
            Files.copy(in, deep);
        }
        Run[] runs = new Run[2];
        Thread small = new Thread(null, () -> {
            runs[0] = soft("pdf", "sign", "--key", "alice", "-o", "deep-signed.pdf", "deep.pdf");
            runs[1] = soft("pdf", "sign", "--key", "alice", "--output-dir", "deep-batch", "deep.pdf", corpus("pdfbox-sign_me.pdf").toString());
        }, "small stack", 256 * 1024);
        small.start();
        small.join();
        Run r = runs[0];
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().startsWith("hsmkit: error: cannot sign ") && r.err().contains("refer to each other too deeply"), r.err());
        assertFalse(Files.exists(dir.resolve("deep-signed.pdf")));
        Run batch = runs[1];
        assertEquals(4, batch.code(), batch.err());
        assertTrue(batch.err().contains("hsmkit: signed 1 of 2 files; 1 failed (exit code 4)"), batch.err());
        assertFalse(Files.exists(dir.resolve("deep-batch/deep-signed.pdf")));
    }

    @Test
    void badInputsAndUsage() throws Exception {
        Files.writeString(dir.resolve("text.pdf"), "not a pdf");
        Run notPdf = soft("pdf", "sign", "--key", "alice", "-o", "out.pdf", "text.pdf");
        assertEquals(4, notPdf.code(), notPdf.err());
        assertTrue(notPdf.err().contains("not a PDF"), notPdf.err());
        assertFalse(Files.exists(dir.resolve("out.pdf")));
        Run noTsa = soft("pdf", "sign", "--key", "alice", "--level", "B-T", corpus("pdfbox-sign_me.pdf").toString());
        assertEquals(2, noTsa.code(), noTsa.err());
        assertTrue(noTsa.err().contains("--tsa"), noTsa.err());
        Run badLevel = hsmkit("pdf", "extend", "--level", "B-B", "x.pdf");
        assertEquals(2, badLevel.code(), badLevel.err());
        Run verifyText = hsmkit("pdf", "verify", "text.pdf");
        assertEquals(4, verifyText.code(), verifyText.err());
    }

    @Test
    void keyOnSoftHsm2() {
        try (SoftHsmToken hsm = SoftHsmToken.create("pdfcli")) {
            TestPki.Credential bob = responders.pki().user(TestUser.BOB_P256);
            try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
                t.importKey(bob.privateKey(), bob.chain(), "bob", null);
            }
            Run s = hsmkit("-t", hsm.uri(), "--module", hsm.module().toString(), "--pin-file", hsm.pinFile().toString(),
                    "pdf", "sign", "--key", "bob", "--level", "B-LT", "--tsa", responders.tsaUrl(), "-o", "hsm.pdf",
                    corpus("pdfbox-sign_me.pdf").toString());
            assertEquals(0, s.code(), s.err());
            Run v = hsmkit("pdf", "verify", "--trust", root.toString(), "hsm.pdf");
            assertEquals(0, v.code(), v.out());
            assertTrue(v.out().contains("B-LT"), v.out());
        }
    }
}
