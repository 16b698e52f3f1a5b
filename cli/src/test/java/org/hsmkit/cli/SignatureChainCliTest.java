package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cms.CMSSignedData;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token that holds only the key's own certificate, as after {@code key import-cert} of the
 * certificate a CA sent: {@code sign}, {@code smime sign} and {@code pdf sign} say that the
 * signature carries no certificate of its issuer, and {@code --chain FILE} puts it in, so that a
 * verifier who trusts only the root accepts the signature. A verifier who has the intermediate
 * gives it with {@code --intermediate} to {@code verify}, {@code smime verify} and {@code pdf
 * verify}; it is not trusted by that.
 */
class SignatureChainCliTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void leafOnlyToken() throws Exception {
        TestPki.standard().writeTo(dir.resolve("pki"));
        run("key", "generate", "--type", "ec:P-256", "--label", "signer").assertOk();
        run("key", "export", "--key", "signer", "-o", "signer.pub.pem").assertOk();
        String b64 = Files.readString(dir.resolve("signer.pub.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        TestPki.Credential c = TestPki.standard().issueUser("Leaf Only", new KeyPair(pub, null), "leaf@hsmkit.test",
                KeyUsage.digitalSignature | KeyUsage.keyAgreement, null, Instant.now().minus(1, ChronoUnit.DAYS),
                Instant.now().plus(30, ChronoUnit.DAYS));
        Files.writeString(dir.resolve("signer.pem"), TestPki.pem(List.of(c.certificate())));
        run("key", "import-cert", "--key", "signer", "signer.pem").assertOk();
        Files.writeString(dir.resolve("note.txt"), "agreed\n");
        Files.writeString(dir.resolve("mail.eml"), "From: leaf@hsmkit.test\r\nTo: bob@hsmkit.test\r\nSubject: chain\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nagreed\r\n");
    }

    static CliRun.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("-t", "soft:" + dir.resolve("token.p12"), "--pin-env", "PIN"));
        all.addAll(List.of(args));
        return CliRun.in(dir).withEnv("PIN", "chain test passphrase").run(all.toArray(String[]::new));
    }

    private static final String WARNING = "hsmkit: warning: the signature carries no certificate of its issuer "
            + "(CN=hsmkit Test Intermediate CA";

    private static int certificatesIn(String p7s) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(p7s))) {
            return new CMSSignedData(in).getCertificates().getMatches(null).size();
        }
    }

    @Test
    void signWithoutTheIssuerSaysSoAndChainPutsItIn() throws Exception {
        CliRun.Result alone = run("sign", "--key", "signer", "-o", "alone.p7s", "note.txt").assertOk();
        assertTrue(alone.stderr().contains(WARNING), alone.stderr());
        assertTrue(alone.stderr().contains("give it with --chain FILE"), alone.stderr());
        assertEquals(1, certificatesIn("alone.p7s"));
        ExternalTool.Result rootOnly = ExternalTool.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "alone.p7s",
                "-content", "note.txt", "-CAfile", "pki/root.pem", "-purpose", "any", "-out", "/dev/null");
        assertEquals(4, rootOnly.exitCode(), rootOnly.stderr()); // openssl: the chain cannot be built
        // the verifier that has the intermediate gives it, untrusted, and the root stays the anchor
        CliRun.Result untrusted = run("verify", "--trust", "pki/root.pem", "--content", "note.txt", "alone.p7s").assertExit(1);
        assertTrue(untrusted.stderr().contains("--intermediate CERTFILE"), untrusted.stderr());
        run("verify", "--trust", "pki/root.pem", "--intermediate", "pki/intermediate.pem", "--content", "note.txt", "alone.p7s")
                .assertOk();
        // an intermediate is no anchor: trusting something else, the signer is not trusted
        run("verify", "--trust", "pki/alice-rsa2048.pem", "--intermediate", "pki/intermediate.pem", "--content", "note.txt",
                "alone.p7s").assertExit(1);

        CliRun.Result chained = run("sign", "--key", "signer", "--chain", "pki/intermediate.pem", "-o", "chained.p7s", "note.txt").assertOk();
        assertFalse(chained.stderr().contains("warning"), chained.stderr());
        assertEquals(2, certificatesIn("chained.p7s"));
        ExternalTool.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "chained.p7s", "-content", "note.txt",
                "-CAfile", "pki/root.pem", "-purpose", "any", "-out", "/dev/null").requireSuccess();
        run("verify", "--trust", "pki/root.pem", "--content", "note.txt", "chained.p7s").assertOk();
    }

    @Test
    void smimeSignWarnsTheSameWay() {
        CliRun.Result alone = run("smime", "sign", "--key", "signer", "-o", "alone.eml", "mail.eml").assertOk();
        assertTrue(alone.stderr().contains(WARNING), alone.stderr());
        run("smime", "verify", "--trust", "pki/root.pem", "alone.eml").assertExit(1);
        run("smime", "verify", "--trust", "pki/root.pem", "--intermediate", "pki/intermediate.pem", "alone.eml").assertOk();
        run("smime", "verify", "--trust", "pki/alice-rsa2048.pem", "--intermediate", "pki/intermediate.pem", "alone.eml").assertExit(1);
        CliRun.Result chained = run("smime", "sign", "--key", "signer", "--chain", "pki/ca-chain.pem", "-o", "chained.eml", "mail.eml")
                .assertOk();
        assertFalse(chained.stderr().contains("warning"), chained.stderr());
        run("smime", "verify", "--trust", "pki/root.pem", "chained.eml").assertOk();
    }

    @Test
    void pdfSignWithoutTheIssuerIsNotTrustedByTheRootAloneAndChainFixesIt() {
        String pdf = PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString();
        CliRun.Result alone = run("pdf", "sign", "--key", "signer", "-o", "alone.pdf", pdf).assertOk();
        assertTrue(alone.stderr().contains(WARNING), alone.stderr());
        CliRun.Result untrusted = run("pdf", "verify", "--trust", "pki/root.pem", "alone.pdf").assertExit(1);
        assertTrue(untrusted.stdout().contains("no path from Leaf Only to a trust anchor"), untrusted.stdout());
        run("pdf", "verify", "--trust", "pki/root.pem", "--intermediate", "pki/intermediate.pem", "alone.pdf").assertOk();
        // an intermediate is no anchor: with nothing trusted the signer is not trusted either
        run("pdf", "verify", "--trust", "pki/alice-rsa2048.pem", "--intermediate", "pki/intermediate.pem", "alone.pdf").assertExit(1);

        CliRun.Result chained = run("pdf", "sign", "--key", "signer", "--chain", "pki/ca-chain.pem", "-o", "chained.pdf", pdf).assertOk();
        assertFalse(chained.stderr().contains("warning"), chained.stderr());
        run("pdf", "verify", "--trust", "pki/root.pem", "chained.pdf").assertOk();
    }

    @Test
    void aChainFileThatCannotBeReadStopsBeforeSigning() {
        CliRun.Result r = run("pdf", "sign", "--key", "signer", "--chain", "missing.pem", "-o", "never.pdf",
                PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString());
        assertTrue(r.exitCode() != 0, r.stderr());
        assertTrue(r.stderr().contains("missing.pem"), r.stderr());
        assertFalse(Files.exists(dir.resolve("never.pdf")));
    }

    @Test
    void theWarningComesOnlyWhenASignatureWasMade() throws Exception {
        // a signing that fails ends with its own error, not under a warning about a signature that does not exist
        for (String[] failing : List.of(new String[] {"sign", "--key", "signer", "-o", "none.p7s", "absent.txt"},
                new String[] {"smime", "sign", "--key", "signer", "-o", "none.eml", "absent.eml"},
                new String[] {"pdf", "sign", "--key", "signer", "-o", "none.pdf", "absent.pdf"})) {
            CliRun.Result r = run(failing);
            assertTrue(r.exitCode() != 0, r.stderr());
            assertTrue(r.stderr().contains("absent."), r.stderr());
            assertFalse(r.stderr().contains("warning"), failing[0] + ": " + r.stderr());
        }
        // a batch says it once, before its summary, when one of its files was signed
        Files.createDirectories(dir.resolve("batch"));
        CliRun.Result some = run("sign", "--key", "signer", "--output-dir", "batch", "note.txt", "absent.txt", "mail.eml");
        assertTrue(some.exitCode() != 0, some.stderr());
        String err = some.stderr();
        assertEquals(err.indexOf(WARNING), err.lastIndexOf(WARNING), err);
        assertTrue(err.indexOf(WARNING) >= 0 && err.indexOf(WARNING) < err.indexOf("hsmkit: signed 2 of 3 files"), err);
        CliRun.Result none = run("sign", "--key", "signer", "--output-dir", "batch", "absent.txt", "absent2.txt");
        assertTrue(none.exitCode() != 0, none.stderr());
        assertFalse(none.stderr().contains("warning"), none.stderr());
    }
}
