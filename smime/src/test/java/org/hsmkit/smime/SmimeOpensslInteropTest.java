package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** openssl smime/cms reads what hsmkit writes, and hsmkit reads what openssl writes. */
class SmimeOpensslInteropTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        ExternalTool.require("openssl", "openssl");
        TestPki.standard().writeTo(dir);
    }

    private static ExternalTool.Result openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return ExternalTool.run(dir, cmd);
    }

    private static Path write(String name, MimeMessage m) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, TestMails.bytes(m));
        return p;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "ALICE_RSA2048, RSA_PKCS1, DETACHED",
        "ALICE_RSA2048, RSA_PSS,   DETACHED",
        "BOB_P256,      ECDSA,     OPAQUE",
        "CAROL_P384,    ECDSA,     DETACHED",
    })
    // openssl smime (the PKCS#7 code) has no RSA-PSS; openssl cms does
    void opensslVerifiesHsmkitSignatures(TestUser user, SignatureScheme scheme, SignedFormat format) throws Exception {
        String name = "signed-" + user + scheme + format + ".eml";
        write(name, SmimeSigner.builder(TestMails.key(user)).scheme(scheme).format(format).build()
                .sign(TestMails.text(user, TestUser.ALICE_RSA2048, "verify me, openssl\n")));
        ExternalTool.Result r = openssl("cms", "-verify", "-CAfile", "root.pem", "-purpose", "smimesign", "-in", name).requireSuccess();
        assertTrue(r.stdoutText().contains("verify me, openssl"), r.stdoutText());
        assertTrue(r.stderr().contains("Verification successful"), r.stderr());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "ALICE_RSA2048, AES256_GCM, OAEP_SHA256",
        "ALICE_RSA2048, AES256_CBC, PKCS1",
        "ANDY_RSA3072,  AES256_CBC, OAEP_SHA256",
        "BOB_P256,      AES256_GCM, OAEP_SHA256",
        "CAROL_P384,    AES256_CBC, OAEP_SHA256",
    })
    void opensslDecryptsHsmkitMessages(TestUser user, ContentCipher cipher, RsaPadding padding) throws Exception {
        String name = "enc-" + user + cipher + padding + ".eml";
        write(name, SmimeEncryptor.builder().recipient(TestMails.cert(user)).cipher(cipher).rsaPadding(padding).build()
                .encrypt(TestMails.text(TestUser.ALICE_RSA2048, user, "decrypt me, openssl\n")));
        ExternalTool.Result r = openssl("cms", "-decrypt", "-recip", user.fileName() + ".pem", "-inkey", user.fileName() + ".key.pem",
                "-in", name).requireSuccess();
        assertTrue(r.stdoutText().contains("decrypt me, openssl"), r.stdoutText());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ALICE_RSA2048, smime, -nodetach",
        "ALICE_RSA2048, smime, ''",
        "BOB_P256,      cms,   ''",
        "CAROL_P384,    cms,   -nodetach",
    })
    void hsmkitVerifiesOpensslSignatures(TestUser user, String command, String detach) throws Exception {
        Files.writeString(dir.resolve("content.txt"), "signed by openssl\n");
        String out = "ossl-signed-" + user + command + detach + ".eml";
        List<String> args = new java.util.ArrayList<>(List.of(command, "-sign", "-in", "content.txt", "-text",
                "-signer", user.fileName() + ".pem", "-inkey", user.fileName() + ".key.pem", "-certfile", "ca-chain.pem",
                "-from", user.email(), "-to", "bob@hsmkit.test", "-subject", "from openssl", "-out", out));
        if (!detach.isEmpty()) {
            args.add(detach);
        }
        openssl(args.toArray(new String[0])).requireSuccess();
        SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).build()
                .read(TestMails.parse(Files.readAllBytes(dir.resolve(out))));
        assertTrue(report.verified(), () -> report.problems().toString());
        assertTrue(((String) report.content().getContent()).contains("signed by openssl"));
    }

    /** openssl still signs with SHA-1 when asked; a message carries no time-stamp that could prove it older than 2014. */
    @Test
    void aSha1SignatureFromOpensslIsIntactButNotVerified() throws Exception {
        Files.writeString(dir.resolve("content.txt"), "signed with SHA-1\n");
        TestUser user = TestUser.ALICE_RSA2048;
        openssl("smime", "-sign", "-md", "sha1", "-in", "content.txt", "-text", "-signer", user.fileName() + ".pem", "-inkey",
                user.fileName() + ".key.pem", "-certfile", "ca-chain.pem", "-from", user.email(), "-to", "bob@hsmkit.test",
                "-subject", "old", "-out", "sha1.eml").requireSuccess();
        SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).build()
                .read(TestMails.parse(Files.readAllBytes(dir.resolve("sha1.eml"))));
        assertFalse(report.verified());
        assertTrue(report.problems().stream().anyMatch(p -> p.contains("uses SHA-1, not relied on for signatures since 2014")
                && p.contains("ask the signer to sign again with SHA-256")), () -> report.problems().toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ALICE_RSA2048, smime, -aes256, ENVELOPED",
        "ALICE_RSA2048, cms,   -aes-256-gcm, AUTH_ENVELOPED",
        "BOB_P256,      cms,   -aes256, ENVELOPED",
        "DAVE_P521,     cms,   -aes-256-gcm, AUTH_ENVELOPED",
        // old mail: 3DES, read but never written
        "ALICE_RSA2048, smime, -des3, ENVELOPED",
        "BOB_P256,      cms,   -des3, ENVELOPED",
    })
    void hsmkitDecryptsOpensslMessages(TestUser user, String command, String cipher, SmimeLayer.Kind kind) throws Exception {
        Files.writeString(dir.resolve("plain.txt"), "Content-Type: text/plain\n\nencrypted by openssl\n");
        String out = "ossl-enc-" + user + command + cipher + ".eml";
        openssl(command, "-encrypt", cipher, "-in", "plain.txt", "-from", "alice@hsmkit.test", "-to", user.email(),
                "-subject", "secret", "-out", out, user.fileName() + ".pem").requireSuccess();
        SmimeReport report = SmimeReader.builder().decryptWith(TestMails.key(user)).build()
                .read(TestMails.parse(Files.readAllBytes(dir.resolve(out))));
        assertEquals(List.of(kind), report.layers().stream().map(SmimeLayer::kind).toList());
        assertTrue(new String(TestMails.bytes(report.message()), StandardCharsets.UTF_8).contains("encrypted by openssl"));
    }
}
