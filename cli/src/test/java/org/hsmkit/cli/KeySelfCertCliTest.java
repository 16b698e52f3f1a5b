package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code key self-cert}: a signer without a CA makes a self-signed certificate on the token and
 * signs, encrypts and signs PDFs at once; relying parties trust the certificate itself. openssl
 * reads what it allows and accepts the signatures under it.
 */
class KeySelfCertCliTest {
    private static final String PIN_VAR = "HSMKIT_TEST_PASSPHRASE";

    @TempDir
    Path tmp;
    CliRun cli;

    @BeforeEach
    void setUp() {
        cli = CliRun.in(tmp).withEnv(PIN_VAR, "soft token passphrase");
    }

    private CliRun.Result hsmkit(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"-t", "soft:" + tmp.resolve("t.p12"), "--pin-env", PIN_VAR}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.run(all);
    }

    private String text(Path cert) {
        return ExternalTool.run(tmp, "openssl", "x509", "-in", cert.toString(), "-noout", "-text").requireSuccess().stdoutText();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec:P-256", "rsa:2048"})
    void aNewKeySignsEncryptsAndSignsPdfsUnderItsSelfSignedCertificate(String type) throws Exception {
        hsmkit("key", "generate", "--type", type, "--label", "me").assertOk();
        CliRun.Result made = hsmkit("key", "self-cert", "--key", "me", "--subject", "CN=Me,O=Example", "--san", "email:me@example.org",
                "--validity", "90d", "-o", "me.pem").assertOk();
        assertTrue(made.stderr().contains("stored a self-signed certificate CN=Me,O=Example (until "), made.stderr());
        assertTrue(hsmkit("key", "list").assertOk().stdout().contains("CN=Me,O=Example"), "the key has its certificate now");
        String t = text(tmp.resolve("me.pem"));
        assertTrue(t.contains("Issuer: CN = Me, O = Example") && t.contains("Subject: CN = Me, O = Example"), t);
        assertTrue(t.contains("CA:FALSE"), t);
        assertTrue(t.contains("Digital Signature, Non Repudiation, " + (type.startsWith("rsa") ? "Key Encipherment" : "Key Agreement")), t);
        assertTrue(t.contains("E-mail Protection") && t.contains("email:me@example.org"), t);

        Files.writeString(tmp.resolve("contract.txt"), "the contract\n");
        hsmkit("sign", "--key", "me", "contract.txt").assertOk();
        cli.run("verify", "--trust", "me.pem", "contract.txt.p7s").assertOk();
        ExternalTool.run(tmp, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "contract.txt.p7s", "-content", "contract.txt", "-CAfile", "me.pem",
                "-purpose", "any", "-out", tmp.resolve("openssl.out").toString()).requireSuccess();
        assertEquals("the contract\n", Files.readString(tmp.resolve("openssl.out")));

        cli.run("encrypt", "-r", "me.pem", "contract.txt").assertOk();
        hsmkit("decrypt", "-o", "back.txt", "contract.txt.p7m").assertOk();
        assertEquals("the contract\n", Files.readString(tmp.resolve("back.txt")));

        Path pdf = Path.of("../testdata/src/main/resources/pdf-corpus/pdfbox-sign_me.pdf").toAbsolutePath();
        hsmkit("pdf", "sign", "--key", "me", "-o", "signed.pdf", pdf.toString()).assertOk();
        assertTrue(cli.run("pdf", "verify", "--trust", "me.pem", "signed.pdf").assertOk().stdout().contains("TOTAL-PASSED"));
    }

    /** Without an e-mail address there is no extended key usage: the key's use stays open. */
    @Test
    void withoutAnEmailAddressNoExtendedKeyUsageIsSet() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "doc").assertOk();
        hsmkit("key", "self-cert", "--key", "doc", "--subject", "/C=DE/CN=Document Signer", "-o", "doc.pem").assertOk();
        String t = text(tmp.resolve("doc.pem"));
        assertTrue(t.contains("Subject: C = DE, CN = Document Signer"), t);
        assertFalse(t.contains("Extended Key Usage"), t);
        String days = ExternalTool.run(tmp, "openssl", "x509", "-in", "doc.pem", "-noout", "-checkend", String.valueOf(729L * 86400))
                .stdoutText();
        assertTrue(days.contains("will not expire"), "two years by default: " + days);
    }

    /** A key's certificate (from a CA, say) is not replaced by accident; nothing is written then. */
    @Test
    void aCertificateTheKeyHasIsReplacedOnlyWithReplace() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-256", "--label", "me").assertOk();
        hsmkit("key", "self-cert", "--key", "me", "--subject", "CN=First").assertOk();
        CliRun.Result again = hsmkit("key", "self-cert", "--key", "me", "--subject", "CN=Second", "-o", "second.pem");
        again.assertExit(ExitCode.USAGE);
        assertTrue(again.errorLine().matches("hsmkit: error: the ec:P-256 key 'me' \\(id [0-9a-f]{40}\\) has a certificate already"
                + " \\(CN=First\\)"), again.errorLine());
        assertTrue(again.stderr().contains("hsmkit: hint: pass --replace to put a self-signed one in its place"), again.stderr());
        assertFalse(Files.exists(tmp.resolve("second.pem")), "no output after a refusal");
        assertTrue(hsmkit("key", "list").stdout().contains("CN=First"));
        hsmkit("key", "self-cert", "--key", "me", "--subject", "CN=Second", "--replace", "-o", "second.pem").assertOk();
        assertTrue(hsmkit("key", "list").stdout().contains("CN=Second"));
        assertTrue(Files.readString(tmp.resolve("second.pem"), StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void aBadSubjectOrPeriodIsAUsageErrorBeforeTheTokenIsOpened() {
        CliRun.Result r = cli.run("-t", "soft:" + tmp.resolve("none.p12"), "--pin-env", PIN_VAR, "key", "self-cert", "--key", "me",
                "--subject", "CN=Me", "--validity", "forever");
        r.assertExit(ExitCode.USAGE);
        assertFalse(Files.exists(tmp.resolve("none.p12")), "the soft token was not created");
    }
}
