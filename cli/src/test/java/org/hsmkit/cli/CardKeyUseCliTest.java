package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A card key is used like any other: files openssl encrypted to a card key's certificate decrypt
 * (RSA and ECDH on the card), and CMS signatures, S/MIME mail and PAdES PDFs signed on the card
 * verify with openssl and pdfsig.
 */
class CardKeyUseCliTest {
    @TempDir
    static Path dir;
    static CliRun cli;
    static SmartCardHsmSimulator simulator;

    @BeforeAll
    static void keysWithCertificates() throws Exception {
        simulator = CardCli.insert(0, new SmartCardHsmSimulator());
        cli = CardCli.in(dir);
        TestPki.standard().writeTo(dir.resolve("pki"));
        certify("alice-card", "rsa:2048", "RSA", KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        certify("bob-card", "ec:P-256", "EC", KeyUsage.digitalSignature | KeyUsage.keyAgreement);
    }

    @AfterAll
    static void out() {
        CardCli.PCSC.remove(0);
    }

    private static void certify(String label, String type, String algorithm, int usage) throws Exception {
        cli.run(CardCli.on(0, "key", "generate", "--type", type, "--label", label)).assertOk();
        PublicKey pub = CardCli.exportedPublicKey(cli, dir, 0, label, algorithm);
        TestPki.Credential c = TestPki.standard().issueUser(label, new KeyPair(pub, null), label + "@hsmkit.test", usage, null,
                Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(30, ChronoUnit.DAYS));
        Files.writeString(dir.resolve(label + ".pem"), TestPki.pem(List.of(c.certificate())));
        cli.run(CardCli.on(0, "key", "import-cert", "--key", label, label + ".pem")).assertOk();
    }

    private static ExternalTool.Result openssl(String... args) {
        ExternalTool.require("openssl", "openssl");
        String[] all = new String[args.length + 1];
        all[0] = "openssl";
        System.arraycopy(args, 0, all, 1, args.length);
        return ExternalTool.run(dir, all).requireSuccess();
    }

    /**
     * A chain imported through hsmkit's card driver puts its CA certificates on the card as
     * OpenSC's module does (CAxx with a description in C8xx): OpenSC's module lists them, and
     * signatures made with the card driver carry them.
     */
    @Test
    void aChainImportedThroughTheCardDriverPutsItsCaCertificatesOnTheCardWhereOpenscFindsThem() throws Exception {
        Files.writeString(dir.resolve("bob-chain.pem"), Files.readString(dir.resolve("bob-card.pem"))
                + TestPki.pem(List.of(TestPki.standard().intermediate().certificate(), TestPki.standard().root().certificate())));
        CliRun.Result r = cli.run(CardCli.on(0, "key", "import-cert", "bob-chain.pem")).assertOk();
        assertTrue(r.stderr().contains("signatures carry its CA certificates CN=hsmkit Test Intermediate CA"), r.stderr());
        assertFalse(r.stderr().contains("note:"), r.stderr());
        // once: a second import finds them there
        cli.run(CardCli.on(0, "key", "import-cert", "bob-chain.pem")).assertOk();

        String objects = SmartCardHsmFixture.insertedAlready(0, simulator, SmartCardHsmSimulator.DEFAULT_USER_PIN)
                .pkcs11Tool("--list-objects", "--type", "cert").requireSuccess().stdoutText();
        assertEquals(1, objects.lines().filter(l -> l.contains("label:") && l.contains("hsmkit Test Intermediate CA")).count(), objects);
        assertEquals(1, objects.lines().filter(l -> l.contains("label:") && l.contains("hsmkit Test Root CA")).count(), objects);
        assertTrue(objects.contains("label:      bob-card"), objects);

        CliRun.Result signed = cli.run(CardCli.on(0, "sign", "--key", "bob-card", "-o", "chained.p7s", "bob-chain.pem")).assertOk();
        assertFalse(signed.stderr().contains("warning"), signed.stderr());
        openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", "chained.p7s", "-content", "bob-chain.pem",
                "-CAfile", "pki/root.pem", "-purpose", "any", "-out", "/dev/null");
    }

    @Test
    void whatOpensslEncryptsToCardKeysDecryptsOnTheCard() throws Exception {
        byte[] plain = new byte[100_000];
        new java.util.Random(7).nextBytes(plain);
        Files.write(dir.resolve("plain.bin"), plain);
        openssl("cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", "-in", "plain.bin", "-out", "both.p7m",
                "-recip", "alice-card.pem", "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256",
                "-recip", "bob-card.pem");
        cli.run(CardCli.on(0, "decrypt", "--key", "alice-card", "-o", "by-alice.bin", "both.p7m")).assertOk();
        cli.run(CardCli.on(0, "decrypt", "--key", "bob-card", "-o", "by-bob.bin", "both.p7m")).assertOk();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("by-alice.bin")));
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("by-bob.bin")));
    }

    @Test
    void signaturesMadeOnTheCardVerifyWithOpensslAndPdfsig() throws Exception {
        Files.writeString(dir.resolve("contract.txt"), "signed on a SmartCard-HSM");
        cli.run(CardCli.on(0, "sign", "--key", "bob-card", "-o", "contract.p7s", "contract.txt")).assertOk();
        openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", "contract.p7s", "-content", "contract.txt",
                "-CAfile", "pki/ca-chain.pem", "-purpose", "any", "-out", "/dev/null");

        Files.writeString(dir.resolve("mail.eml"), "From: alice-card@hsmkit.test\r\nTo: bob@hsmkit.test\r\nSubject: card\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nSigned on the card.\r\n");
        cli.run(CardCli.on(0, "smime", "sign", "--key", "alice-card", "-o", "signed.eml", "mail.eml")).assertOk();
        openssl("cms", "-verify", "-in", "signed.eml", "-CAfile", "pki/ca-chain.pem", "-purpose", "any", "-out", "/dev/null");

        cli.run(CardCli.on(0, "pdf", "sign", "--key", "bob-card", "-o", "signed.pdf", PdfCommandTest.corpus("pdfbox-sign_me.pdf")
                .toString())).assertOk();
        ExternalTool.require("pdfsig", "poppler-utils");
        String pdfsig = ExternalTool.run(dir, "pdfsig", "signed.pdf").stdoutText();
        assertTrue(pdfsig.contains("Signature Validation: Signature is Valid."), pdfsig);
        assertTrue(pdfsig.contains("Total document signed"), pdfsig);
    }
}
