package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.testdata.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three verifying commands ({@code verify}, {@code smime verify}, {@code pdf verify}) and the
 * commands that show certificates ({@code inspect}, {@code key list}):
 * <ul>
 * <li>a signer whose certificate carries the attributes qualified certificates use (title,
 * serialNumber, givenName, surname, e-mail) is written the same readable way everywhere, never
 * as an OID with hex;</li>
 * <li>{@code --trust-system} makes the platform's roots (the Java runtime's cacerts and the
 * operating system's bundle) trust anchors. The test root is put into a temporary bundle named by
 * SSL_CERT_FILE, as a root installed on the system would be; the real system roots do not trust it.</li>
 * </ul>
 */
class VerifyingCommandsCliTest {
    /** As the certificate holds it, in its order; the e-mail address as E. */
    static final String NAME = "C=DE,title=Prokurist,serialNumber=PNODE-4711,givenName=Niklas Andre,SN=Matthüs,"
            + "CN=Niklas Andre Matthüs,E=niklas@hsmkit.test";

    @TempDir
    static Path dir;
    static CmsCliFixture cli;
    static Map<String, String> bundle;

    @BeforeAll
    static void fixture() throws Exception {
        cli = new CmsCliFixture(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        X500Name subject = new X500Name(BCStyle.INSTANCE, "C=DE,T=Prokurist,SERIALNUMBER=PNODE-4711,GIVENNAME=Niklas Andre,"
                + "SURNAME=Matthüs,CN=Niklas Andre Matthüs,E=niklas@hsmkit.test");
        TestPki.Credential niklas = TestPki.standard().issueUser(subject, g.generateKeyPair(), "niklas@hsmkit.test",
                KeyUsage.digitalSignature | KeyUsage.nonRepudiation, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection},
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)));
        cli.importKey(niklas, "niklas");
        // a bundle as distributions write it: comments between the blocks, several roots, ours among them
        Files.writeString(dir.resolve("bundle.crt"), "# A bundle with the test root installed\n"
                + TestPki.pem(List.of(TestPki.standard().tsa().certificate())) + "\n# hsmkit Test Root CA\n"
                + TestPki.pem(List.of(TestPki.standard().root().certificate())));
        bundle = Map.of("SSL_CERT_FILE", dir.resolve("bundle.crt").toString());
        cli.write("report.bin", 2000, 11);
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "report.bin").exit());
        Files.copy(PdfCommandTest.corpus("pdfbox-sign_me.pdf"), dir.resolve("in.pdf"));
    }

    @Test
    void keyListShowsTheCertificateSubjectReadably() {
        CmsCliFixture.Result r = cli.run("key", "list");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains(NAME), r.out());
    }

    @Test
    void verifyAndInspectShowTheSignerReadably() throws Exception {
        cli.write("contract.bin", 1000, 7);
        assertEquals(0, cli.run("sign", "--key", "niklas", "contract.bin").exit());
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", "contract.bin.p7s");
        assertEquals(0, v.exit(), v.stderr());
        assertTrue(v.out().contains("signer:    " + NAME), v.out());
        CmsCliFixture.Result i = cli.run("inspect", "contract.bin.p7s");
        assertTrue(i.out().contains(NAME), i.out());
        assertTrue(i.out().contains("CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE"), "the issuer too: " + i.out());
    }

    @Test
    void pdfVerifyShowsTheSignerAndIssuerReadably() throws Exception {
        assertEquals(0, cli.run("pdf", "sign", "--key", "niklas", "-o", "niklas.pdf", "in.pdf").exit());
        CmsCliFixture.Result v = cli.run("pdf", "verify", "--trust", "root.pem", "niklas.pdf");
        assertEquals(0, v.exit(), v.out() + v.stderr());
        assertTrue(v.out().contains(NAME), v.out());
        assertTrue(v.out().contains("CN=hsmkit Test Intermediate CA,O=hsmkit tests,C=DE"), v.out());
    }

    @Test
    void smimeVerifyShowsTheSignerReadably() throws Exception {
        Files.writeString(dir.resolve("niklas.eml"), "From: Niklas <niklas@hsmkit.test>\nTo: Bob <bob@hsmkit.test>\n"
                + "Subject: figures\nContent-Type: text/plain; charset=UTF-8\n\nThe figures are fine.\n");
        assertEquals(0, cli.run("smime", "sign", "--key", "niklas", "-o", "niklas-signed.eml", "niklas.eml").exit());
        CmsCliFixture.Result v = cli.run("smime", "verify", "--trust", "root.pem", "niklas-signed.eml");
        assertEquals(0, v.exit(), v.out() + v.stderr());
        assertTrue(v.out().contains("signer:       " + NAME), v.out());
    }

    /** Text that comes from the file under test never starts a report line of its own, nor steers the terminal. */
    @Test
    void aPdfFieldNameCannotForgeALineOfTheReport() throws Exception {
        assertEquals(0, cli.run("pdf", "sign", "--key", "bob-p256", "-o", "field.pdf", "in.pdf").exit());
        byte[] pdf = Files.readAllBytes(dir.resolve("field.pdf"));
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        // the same length, so that every offset stays; the field name then holds a line end
        String forged = text.replace("/T (Signature1)", "/T (\\nok: abcd)");
        assertEquals(text.length(), forged.length());
        Files.write(dir.resolve("forged-field.pdf"), forged.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CmsCliFixture.Result v = cli.run("pdf", "verify", "--trust", "root.pem", "forged-field.pdf");
        assertTrue(v.out().contains("'\\0Aok: abcd'"), v.out());
        assertFalse(v.out().lines().anyMatch(l -> l.startsWith("ok:")), v.out());
    }

    @Test
    void anAddressInACertificateCannotForgeALineOfTheSmimeReport() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        String address = "eve@hsmkit.test\n  From match:   yes";
        TestPki.Credential eve = TestPki.standard().issueUser(new X500Name("CN=Eve"), g.generateKeyPair(), address,
                KeyUsage.digitalSignature, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection},
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)));
        cli.importKey(eve, "eve");
        Files.writeString(dir.resolve("eve.eml"), "From: Eve <eve@hsmkit.test>\nTo: Bob <bob@hsmkit.test>\n"
                + "Subject: hello\nContent-Type: text/plain; charset=UTF-8\n\nhello\n");
        assertEquals(0, cli.run("smime", "sign", "--key", "eve", "-o", "eve-signed.eml", "eve.eml").exit());
        CmsCliFixture.Result v = cli.run("smime", "verify", "--trust", "root.pem", "eve-signed.eml");
        // addresses are shown in lower case
        assertTrue(v.out().contains("e-mail:       eve@hsmkit.test\\0A  from match:   yes"), v.out());
        assertEquals(1, v.out().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("  from match:")).count(), v.out());
    }

    @Test
    void aFileNameInABatchCannotForgeAStatusLine() throws Exception {
        String name = "x.p7s\nhsmkit: verified 2 of 2 files";
        Files.writeString(dir.resolve(name), "not a signature");
        Files.writeString(dir.resolve("other.p7s"), "not a signature either");
        CmsCliFixture.Result v = cli.run("verify", "--trust", "root.pem", name, "other.p7s");
        assertEquals(4, v.exit(), v.stderr());
        assertTrue(v.stderr().contains("hsmkit: error: x.p7s\\0Ahsmkit: verified 2 of 2 files: "), v.stderr());
        assertFalse(v.stderr().lines().anyMatch(l -> l.startsWith("hsmkit: verified 2 of 2")), v.stderr());
    }

    /** A signature that claims 505 MB in 1,509 bytes, read from standard input of a known size: refused at the claim. */
    @Test
    void aLengthBeyondStandardInputIsRefusedAtTheClaim() throws Exception {
        byte[] hostile;
        try (java.io.InputStream in = VerifyingCommandsCliTest.class.getResourceAsStream(
                "/org/hsmkit/fuzz/CmsVerifyFuzzTestInputs/verify/regression-a-string-claiming-500-mb-in-1-kb.p7s")) {
            hostile = in.readAllBytes();
        }
        CmsCliFixture.Result r = cli.runWithInput(hostile, "verify", "--trust", "root.pem", "-");
        assertEquals(4, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("out of bounds length found: 505290270 > 1509"), r.stderr());
    }

    @Test
    void verifyTrustsARootInstalledInTheSystemBundle() {
        CmsCliFixture.Result untrusted = cli.run("verify", "report.bin.p7s");
        assertEquals(1, untrusted.exit());
        assertTrue(untrusted.stderr().contains("--trust-system"), "the hint names the option: " + untrusted.stderr());
        CmsCliFixture.Result v = cli.runWithEnv(bundle, "verify", "--trust-system", "report.bin.p7s");
        assertEquals(0, v.exit(), v.stderr());
        assertTrue(v.out().contains("trusted:   via CN=hsmkit Test Root CA,O=hsmkit tests,C=DE"), v.out());
    }

    @Test
    void theRealSystemRootsDoNotTrustTheTestRoot() {
        CmsCliFixture.Result v = cli.run("verify", "--trust-system", "report.bin.p7s");
        assertEquals(1, v.exit(), v.out());
        assertTrue(v.stderr().contains("untrusted"), v.stderr());
    }

    @Test
    void trustSystemAddsToTrust() {
        CmsCliFixture.Result v = cli.runWithEnv(Map.of("SSL_CERT_FILE", dir.resolve("bob-p256.pem").toString()),
                "verify", "--trust-system", "--trust", "root.pem", "report.bin.p7s");
        assertEquals(0, v.exit(), v.stderr());
    }

    @Test
    void smimeVerifyTrustsTheSystemBundle() throws Exception {
        Files.writeString(dir.resolve("mail.eml"), "From: Bob <bob@hsmkit.test>\nTo: Alice <alice@hsmkit.test>\n"
                + "Subject: hi\nContent-Type: text/plain\n\nhello\n");
        assertEquals(0, cli.run("smime", "sign", "--key", "bob-p256", "-o", "signed.eml", "mail.eml").exit());
        assertEquals(1, cli.run("smime", "verify", "signed.eml").exit());
        CmsCliFixture.Result v = cli.runWithEnv(bundle, "smime", "verify", "--trust-system", "signed.eml");
        assertEquals(0, v.exit(), v.out() + v.stderr());
    }

    @Test
    void pdfVerifyTrustsTheSystemBundle() throws Exception {
        assertEquals(0, cli.run("pdf", "sign", "--key", "bob-p256", "-o", "signed.pdf", "in.pdf").exit());
        CmsCliFixture.Result v = cli.runWithEnv(bundle, "pdf", "verify", "--trust-system", "signed.pdf");
        assertEquals(0, v.exit(), v.out() + v.stderr());
        assertTrue(v.out().contains("TOTAL-PASSED"), v.out());
        CmsCliFixture.Result real = cli.run("pdf", "verify", "--trust-system", "signed.pdf");
        assertEquals(1, real.exit());
        assertTrue(real.out().contains("INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND"), real.out());
        assertTrue(real.out().contains("does not lead to any trust anchor you gave"), real.out());
    }

    @Test
    void aBundleWithoutCertificatesIsAnInputError() throws Exception {
        Files.writeString(dir.resolve("empty.crt"), "# nothing here\n");
        CmsCliFixture.Result v = cli.runWithEnv(Map.of("SSL_CERT_FILE", dir.resolve("empty.crt").toString()),
                "verify", "--trust-system", "report.bin.p7s");
        assertEquals(ExitCode.INPUT, v.exit(), v.stderr());
        assertTrue(v.stderr().contains("hsmkit: error: no certificate in the CA bundle"), v.stderr());
        assertFalse(v.out().contains("signature OK"), v.out());
    }
}
