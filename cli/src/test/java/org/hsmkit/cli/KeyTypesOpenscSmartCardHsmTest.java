package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.schsm.CvcSignatures;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every key type a Nitrokey HSM 2 makes, beyond the RSA-2048 and P-256 of the other OpenSC tests,
 * used through OpenSC's PKCS#11 module as its owners use it: generated on the card, certified,
 * then decrypting what openssl encrypted to it (RSA-OAEP, ECDH on the card), and signing a CMS
 * file, a mail and a PDF that openssl and pdfsig verify (RSA also with PSS). The card is the
 * simulator behind the test pcscd.
 *
 * <p>Also: random bytes and data objects, and a CA whose root and intermediate keys are on the card.
 * All of it passed through OpenSC on first run; the PDFs showed that {@code pdf sign} had no way
 * to include the issuing CA's certificate when the card holds only the key's own ({@code --chain}).
 */
class KeyTypesOpenscSmartCardHsmTest {
    static SmartCardHsmFixture card;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void insert() throws Exception {
        card = SmartCardHsmFixture.insert(0, new SmartCardHsmSimulator());
        TestPki.standard().writeTo(tmp.resolve("pki"));
        ExternalTool.require("openssl", "openssl");
        ExternalTool.require("pdfsig", "poppler-utils");
    }

    @AfterAll
    static void remove() {
        card.close();
    }

    static CliRun.Result hsmkit(String... args) {
        List<String> all = new ArrayList<>(List.of("--module", card.module().toString(), "-t",
                "pkcs11:token=" + card.tokenLabel(), "--pin-file", card.pinFile().toString()));
        all.addAll(List.of(args));
        return CliRun.in(tmp).run(all.toArray(String[]::new));
    }

    private static void openssl(String... args) {
        List<String> all = new ArrayList<>(List.of("openssl"));
        all.addAll(List.of(args));
        ExternalTool.run(tmp, all.toArray(String[]::new)).requireSuccess();
    }

    /**
     * The card's random number generator (GET CHALLENGE) and data objects as OpenSC stores them:
     * more bytes than one card command returns, two draws that differ, a private object written
     * from the generator, read back, listed and deleted.
     */
    @org.junit.jupiter.api.Test
    void randomBytesAndDataObjectsThroughOpenscsModule() throws Exception {
        hsmkit("random", "--bytes", "3000", "--format", "raw", "-o", "r1.bin").assertOk();
        hsmkit("random", "--bytes", "3000", "--format", "raw", "-o", "r2.bin").assertOk();
        byte[] r1 = Files.readAllBytes(tmp.resolve("r1.bin"));
        byte[] r2 = Files.readAllBytes(tmp.resolve("r2.bin"));
        assertTrue(r1.length == 3000 && r2.length == 3000, r1.length + " and " + r2.length + " bytes");
        assertTrue(!java.util.Arrays.equals(r1, r2) && java.util.stream.IntStream.range(0, 3000).anyMatch(i -> r1[i] != 0));

        hsmkit("data", "write", "--label", "keyfile", "--random", "64").assertOk();
        hsmkit("data", "read", "--label", "keyfile", "-o", "keyfile.bin").assertOk();
        assertEquals(64, Files.size(tmp.resolve("keyfile.bin")));
        assertTrue(hsmkit("data", "list").assertOk().stdout().contains("keyfile"));
        hsmkit("data", "delete", "--label", "keyfile", "--yes").assertOk();
        assertTrue(!hsmkit("data", "list").assertOk().stdout().contains("keyfile"));
    }

    /**
     * OpenSC's module reads CKA_APPLICATION of a new data object as a C string, up to the first
     * zero byte after it in the caller's memory: without a terminator from hsmkit the card got the
     * name plus whatever followed it ("hsmkit-openpgpang/invoke…"), and hsmkit no longer knew the
     * object as its own. Each application name written reaches the card's description exactly.
     */
    @org.junit.jupiter.api.Test
    void anApplicationNameReachesTheCardExactly() throws Exception {
        int objects = 24;
        for (int i = 0; i < objects; i++) {
            hsmkit("data", "write", "--label", "app-" + i, "--application", "hsmkit-test-" + "x".repeat(i), "--public", "--random", "8")
                    .assertOk();
        }
        java.util.Map<String, String> onCard = new java.util.HashMap<>();
        for (int fid : card.card().fileIds()) {
            if (fid >>> 8 == org.hsmkit.core.internal.card.Pkcs15Files.DCOD_PREFIX) {
                var d = org.hsmkit.core.internal.card.Pkcs15Files.DataObject.parse(card.card().file(fid).orElseThrow());
                onCard.put(d.label(), d.application());
            }
        }
        String listed = hsmkit("data", "list", "--json").assertOk().stdout();
        for (int i = 0; i < objects; i++) {
            assertEquals("hsmkit-test-" + "x".repeat(i), onCard.get("app-" + i), onCard.toString());
            assertTrue(listed.contains("\"application\" : \"hsmkit-test-" + "x".repeat(i) + "\","), listed);
            hsmkit("data", "delete", "--label", "app-" + i, "--yes").assertOk();
        }
    }

    /**
     * docs/ca.md's CA on the HSM through OpenSC: a P-384 root and an RSA-3072 intermediate on the
     * card; the intermediate issues from an openssl request, revokes, signs a CRL and answers OCSP
     * on the card, and openssl checks each.
     */
    @org.junit.jupiter.api.Test
    void aCaWhoseKeysAreOnTheCardThroughOpenscsModule() throws Exception {
        hsmkit("key", "generate", "--type", "ec:P-384", "--label", "root-ca").assertOk();
        hsmkit("key", "generate", "--type", "rsa:3072", "--label", "issuing-ca").assertOk();
        hsmkit("ca", "init", "--ca", "root", "--key", "root-ca", "--subject", "CN=Card Root,O=hsmkit tests", "--validity", "5y")
                .assertOk();
        hsmkit("ca", "init", "--ca", "issuing", "--key", "issuing-ca", "--subject", "CN=Card Issuing,O=hsmkit tests", "--csr")
                .assertOk();
        hsmkit("ca", "issue", "--ca", "root", "--profile", "sub-ca", "--path-length", "0", "--validity", "2y", "--yes", "-o",
                "issuing.crt", "issuing/ca.csr").assertOk();
        hsmkit("ca", "import-cert", "--ca", "issuing", "issuing.crt").assertOk();

        Path csr = CaFixture.request(tmp, "holder", "ec", "/CN=Holder", "subjectAltName=email:holder@example.test");
        hsmkit("ca", "issue", "--ca", "issuing", "--profile", "smime", "--yes", "-o", "holder.crt", csr.toString()).assertOk();
        openssl("verify", "-CAfile", "root/ca.crt", "-untrusted", "issuing/ca.crt", "holder.crt");

        hsmkit("ca", "revoke", "--ca", "issuing", "--reason", "superseded", "--yes", "holder.crt").assertOk();
        hsmkit("ca", "crl", "--ca", "issuing", "-o", "issuing.crl").assertOk();
        openssl("crl", "-inform", "DER", "-in", "issuing.crl", "-CAfile", "issuing/ca.crt", "-noout");
        openssl("ocsp", "-issuer", "issuing/ca.crt", "-cert", "holder.crt", "-reqout", "req.der", "-no_nonce");
        hsmkit("ca", "ocsp-respond", "--ca", "issuing", "-o", "resp.der", "req.der").assertOk();
        ExternalTool.Result status = ExternalTool.run(tmp, "openssl", "ocsp", "-respin", "resp.der", "-issuer", "issuing/ca.crt",
                "-cert", "holder.crt", "-CAfile", "root/ca.crt", "-verify_other", "issuing/ca.crt").requireSuccess();
        assertTrue(status.stdoutText().contains("holder.crt: revoked"), status.stdoutText());
        assertTrue(status.stderr().contains("Response verify OK"), status.stderr());
    }

    /**
     * A batch on two workers through OpenSC's module, as a user decrypts or signs a folder with a
     * Nitrokey: the workers' sessions take turns on the one card, and every file comes out right.
     */
    @org.junit.jupiter.api.Test
    void batchesOnTwoWorkersThroughOpenscsModule() throws Exception {
        hsmkit("key", "generate", "--type", "rsa:2048", "--label", "batch").assertOk();
        hsmkit("key", "export", "--key", "batch", "-o", "batch.pub.pem").assertOk();
        PublicKey pub;
        try (var r = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(tmp.resolve("batch.pub.pem")))) {
            pub = new JcaPEMKeyConverter().getPublicKey((org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) r.readObject());
        }
        TestPki.Credential c = TestPki.standard().issueUser("batch", new KeyPair(pub, null), "batch@hsmkit.test",
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment, null, Instant.now().minus(1, ChronoUnit.DAYS),
                Instant.now().plus(30, ChronoUnit.DAYS));
        Files.writeString(tmp.resolve("batch.pem"), TestPki.pem(List.of(c.certificate())));
        hsmkit("key", "import-cert", "--key", "batch", "batch.pem").assertOk();

        int n = 8;
        List<String> plain = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Files.writeString(tmp.resolve("folder-" + i + ".txt"), "invoice " + i + "\n".repeat(i * 100));
            plain.add("folder-" + i + ".txt");
        }
        List<String> encrypt = new ArrayList<>(List.of("encrypt", "-r", "batch.pem", "--output-dir", "sealed"));
        encrypt.addAll(plain);
        hsmkit(encrypt.toArray(String[]::new)).assertOk();
        List<String> decrypt = new ArrayList<>(List.of("decrypt", "--key", "batch", "--jobs", "2", "--output-dir", "opened"));
        plain.forEach(f -> decrypt.add("sealed/" + f + ".p7m"));
        CliRun.Result opened = hsmkit(decrypt.toArray(String[]::new)).assertOk();
        assertTrue(opened.stderr().contains("decrypted " + n + " of " + n + " files"), opened.stderr());
        List<String> sign = new ArrayList<>(List.of("sign", "--key", "batch", "--jobs", "2", "--output-dir", "signed"));
        sign.addAll(plain);
        hsmkit(sign.toArray(String[]::new)).assertOk();
        for (String f : plain) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve(f)), Files.readAllBytes(tmp.resolve("opened").resolve(f)), f);
            openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", "signed/" + f + ".p7s", "-content", f, "-CAfile",
                    "pki/ca-chain.pem", "-purpose", "any", "-out", "/dev/null");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rsa:3072", "rsa:4096", "ec:P-384", "ec:P-521", "ec:brainpoolP256r1", "ec:brainpoolP384r1",
        "ec:brainpoolP512r1"})
    void aKeyOfThisTypeDecryptsAndSignsThroughOpenscsModule(String type) throws Exception {
        String label = "k-" + type.replace(':', '-');
        boolean rsa = type.startsWith("rsa");
        hsmkit("key", "generate", "--type", type, "--label", label).assertOk();
        hsmkit("key", "export", "--key", label, "-o", label + ".pub.pem").assertOk();
        PublicKey pub;
        try (var r = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(tmp.resolve(label + ".pub.pem")))) {
            pub = new JcaPEMKeyConverter().setProvider(CvcSignatures.PROVIDER)
                    .getPublicKey((org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) r.readObject());
        }
        int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement);
        TestPki.Credential c = TestPki.standard().issueUser(label, new KeyPair(pub, null), label + "@hsmkit.test", usage, null,
                Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(30, ChronoUnit.DAYS));
        Files.writeString(tmp.resolve(label + ".pem"), TestPki.pem(List.of(c.certificate())));
        hsmkit("key", "import-cert", "--key", label, label + ".pem").assertOk();

        byte[] plain = new byte[70_000];
        new Random(type.hashCode()).nextBytes(plain);
        Files.write(tmp.resolve(label + ".bin"), plain);
        List<String> encrypt = new ArrayList<>(List.of("cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", "-in", label + ".bin",
                "-out", label + ".p7m", "-recip", label + ".pem"));
        if (rsa) {
            encrypt.addAll(List.of("-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"));
        }
        openssl(encrypt.toArray(String[]::new));
        hsmkit("decrypt", "--key", label, "-o", label + ".out", label + ".p7m").assertOk();
        assertArrayEquals(plain, Files.readAllBytes(tmp.resolve(label + ".out")));

        for (boolean pss : rsa ? new boolean[] {false, true} : new boolean[] {false}) {
            String sig = label + (pss ? "-pss" : "") + ".p7s";
            List<String> sign = new ArrayList<>(List.of("sign", "--key", label, "-o", sig, label + ".bin"));
            if (pss) {
                sign.add(1, "--pss");
            }
            hsmkit(sign.toArray(String[]::new)).assertOk();
            openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", label + ".bin", "-CAfile",
                    "pki/ca-chain.pem", "-purpose", "any", "-out", "/dev/null");
        }

        Files.writeString(tmp.resolve(label + ".eml"), "From: " + label + "@hsmkit.test\r\nTo: bob@hsmkit.test\r\nSubject: " + type
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nSigned on the card.\r\n");
        hsmkit("smime", "sign", "--key", label, "-o", label + "-signed.eml", label + ".eml").assertOk();
        openssl("cms", "-verify", "-in", label + "-signed.eml", "-CAfile", "pki/ca-chain.pem", "-purpose", "any", "-out", "/dev/null");

        hsmkit("pdf", "sign", "--key", label, "--chain", "pki/intermediate.pem", "-o", label + ".pdf", PdfCommandTest.corpus("pdfbox-sign_me.pdf").toString()).assertOk();
        if (!type.contains("brainpool")) { // NSS, under pdfsig, has no brainpool curves; openssl checked them above
            String pdfsig = ExternalTool.run(tmp, "pdfsig", label + ".pdf").stdoutText();
            assertTrue(pdfsig.contains("Signature Validation: Signature is Valid."), pdfsig);
        }
        // --chain put the intermediate into the signature: the root alone is enough to trust it
        hsmkit("pdf", "verify", "--trust", "pki/root.pem", label + ".pdf").assertOk();
    }
}
