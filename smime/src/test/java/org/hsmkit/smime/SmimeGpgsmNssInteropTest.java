package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpgsm (GnuPG) and NSS's cmsutil (Thunderbird's engine) read hsmkit's signatures and its
 * compatibility profile (AES-256-CBC EnvelopedData, RSA PKCS#1 v1.5 — neither tool here reads
 * RSA-OAEP or AuthEnvelopedData); hsmkit reads what they write.
 */
class SmimeGpgsmNssInteropTest {
    @TempDir
    static Path dir;
    static Map<String, String> gnupg;

    @BeforeAll
    static void setUp() throws Exception {
        ExternalTool.require("gpgsm", "gpgsm");
        ExternalTool.require("cmsutil", "libnss3-tools");
        ExternalTool.require("openssl", "openssl");
        TestPki.standard().writeTo(dir);
        // a throwaway GnuPG home: Alice's key imported, the test root trusted, no CRL fetching
        Path home = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        gnupg = Map.of("GNUPGHOME", home.toString());
        Files.writeString(home.resolve("gpg-agent.conf"), "allow-loopback-pinentry\n");
        Files.writeString(home.resolve("gpgsm.conf"), "disable-crl-checks\ndisable-policy-checks\n");
        String fp = ExternalTool.run(dir, "openssl", "x509", "-in", "root.pem", "-noout", "-fingerprint", "-sha1").requireSuccess()
                .stdoutText().trim().replaceFirst(".*=", "");
        Files.writeString(home.resolve("trustlist.txt"), fp + " S\n");
        // gpgsm 2.2 reads only the older PKCS#12 encryption (3DES key bag, unencrypted certificates)
        ExternalTool.run(dir, "openssl", "pkcs12", "-export", "-inkey", "alice-rsa2048.key.pem", "-in", "alice-rsa2048.pem",
                "-certfile", "ca-chain.pem", "-certpbe", "NONE", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1",
                "-passout", "pass:" + TestPki.P12_PASSWORD, "-out", "alice-gpgsm.p12").requireSuccess();
        gpgsm(null, "--import", "alice-gpgsm.p12").requireSuccess();
        gpgsm(null, "--import", "root.pem").requireSuccess();
        gpgsm(null, "--import", "intermediate.pem").requireSuccess();
        // a throwaway NSS database with Alice's key and the root trusted for e-mail
        Files.createDirectory(dir.resolve("nss"));
        ExternalTool.run(dir, "certutil", "-N", "-d", "sql:nss", "--empty-password").requireSuccess();
        ExternalTool.run(dir, "pk12util", "-i", "alice-rsa2048.p12", "-d", "sql:nss", "-W", TestPki.P12_PASSWORD).requireSuccess();
        ExternalTool.run(dir, "certutil", "-A", "-n", "root", "-t", "C,C,C", "-i", "root.pem", "-d", "sql:nss").requireSuccess();
    }

    @AfterAll
    static void stopAgent() {
        // the agent gpgsm started for the throwaway home would otherwise outlive the test
        ExternalTool.run(dir, null, gnupg, List.of("gpgconf", "--kill", "gpg-agent"));
    }

    private static ExternalTool.Result gpgsm(byte[] stdin, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("gpgsm", "--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0"));
        cmd.addAll(List.of(args));
        byte[] in = stdin != null ? stdin : (TestPki.P12_PASSWORD + "\n").getBytes(StandardCharsets.US_ASCII);
        return ExternalTool.run(dir, in, gnupg, cmd);
    }

    /** The content bytes and the DER signature of a multipart/signed message, exactly as sent. */
    private static Path[] splitDetached(MimeMessage signed, String name) throws Exception {
        String eml = new String(TestMails.bytes(signed), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("boundary=\"([^\"]+)\"").matcher(eml);
        assertTrue(m.find());
        String[] parts = eml.split(Pattern.quote("--" + m.group(1)));
        String content = parts[1].substring(2, parts[1].length() - 2);
        String sig = parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4);
        Path c = dir.resolve(name + ".content");
        Path s = dir.resolve(name + ".p7s");
        Files.write(c, content.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(s, Base64.getMimeDecoder().decode(sig.trim()));
        return new Path[] {c, s};
    }

    /** The DER body of an application/pkcs7-mime message. */
    private static Path p7m(MimeMessage m, String name) throws Exception {
        String eml = new String(TestMails.bytes(m), StandardCharsets.ISO_8859_1);
        Path p = dir.resolve(name + ".p7m");
        Files.write(p, Base64.getMimeDecoder().decode(eml.substring(eml.indexOf("\r\n\r\n") + 4).trim()));
        return p;
    }

    private static MimeMessage signed(TestUser user, String text) {
        return SmimeSigner.builder(TestMails.key(user)).build().sign(TestMails.text(user, TestUser.ALICE_RSA2048, text));
    }

    private static MimeMessage compatEncrypted(String text) {
        return SmimeEncryptor.builder().recipient(TestMails.cert(TestUser.ALICE_RSA2048)).compatibility().build()
                .encrypt(TestMails.text(TestUser.BOB_P256, TestUser.ALICE_RSA2048, text));
    }

    @Test
    void gpgsmVerifiesHsmkitSignatures() throws Exception {
        for (TestUser user : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256)) {
            Path[] p = splitDetached(signed(user, "checked by gpgsm\n"), "gpgsm-" + user);
            ExternalTool.Result r = gpgsm(null, "--status-fd", "2", "--verify", p[1].getFileName().toString(), p[0].getFileName().toString());
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("[GNUPG:] GOODSIG"), r.stderr());
            assertTrue(r.stderr().contains("[GNUPG:] TRUST_FULLY") || r.stderr().contains("[GNUPG:] VALIDSIG"), r.stderr());

            Files.writeString(p[0], Files.readString(p[0], StandardCharsets.ISO_8859_1).replace("checked", "CHECKED"), StandardCharsets.ISO_8859_1);
            ExternalTool.Result bad = gpgsm(null, "--status-fd", "2", "--verify", p[1].getFileName().toString(), p[0].getFileName().toString());
            assertNotEquals(0, bad.exitCode(), "gpgsm must notice the change");
        }
    }

    @Test
    void gpgsmDecryptsTheCompatibilityProfile() throws Exception {
        Path p = p7m(compatEncrypted("opened by gpgsm\n"), "gpgsm-compat");
        ExternalTool.Result r = gpgsm(null, "--decrypt", p.getFileName().toString()).requireSuccess();
        assertTrue(r.stdoutText().contains("opened by gpgsm"), r.stdoutText());
    }

    @Test
    void hsmkitReadsWhatGpgsmSignsAndEncrypts() throws Exception {
        Files.writeString(dir.resolve("gpgsm-content.txt"), "Content-Type: text/plain\r\n\r\nwritten by gpgsm\r\n");
        ExternalTool.Result sig = gpgsm(null, "--sign", "--local-user", "alice@hsmkit.test", "--include-certs", "-1",
                "--output", "gpgsm-signed.p7m", "gpgsm-content.txt").requireSuccess();
        assertEquals(0, sig.exitCode());
        SmimeReport signed = SmimeReader.builder().trustAnchors(TestMails.anchors()).build()
                .read(TestMails.parse(wrap("gpgsm-signed.p7m", "signed-data", "alice@hsmkit.test")));
        assertTrue(signed.verified(), () -> signed.problems().toString());

        gpgsm(null, "--encrypt", "--recipient", "alice@hsmkit.test", "--output", "gpgsm-enc.p7m", "gpgsm-content.txt").requireSuccess();
        SmimeReport enc = SmimeReader.builder().decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build()
                .read(TestMails.parse(wrap("gpgsm-enc.p7m", "enveloped-data", "bob@hsmkit.test")));
        assertEquals(SmimeLayer.Kind.ENVELOPED, enc.layers().get(0).kind());
        assertEquals("written by gpgsm\r\n", enc.content().getContent());
    }

    @Test
    void cmsutilVerifiesHsmkitSignatures() throws Exception {
        for (TestUser user : List.of(TestUser.ALICE_RSA2048, TestUser.CAROL_P384)) {
            Path[] p = splitDetached(signed(user, "checked by NSS\n"), "nss-" + user);
            ExternalTool.Result r = ExternalTool.run(dir, "cmsutil", "-D", "-n", "-i", p[1].getFileName().toString(),
                    "-c", p[0].getFileName().toString(), "-d", "sql:nss", "-u", "5");
            assertEquals(0, r.exitCode(), r.stderr());
            Files.writeString(p[0], Files.readString(p[0], StandardCharsets.ISO_8859_1).replace("checked", "CHECKED"), StandardCharsets.ISO_8859_1);
            ExternalTool.Result bad = ExternalTool.run(dir, "cmsutil", "-D", "-n", "-i", p[1].getFileName().toString(),
                    "-c", p[0].getFileName().toString(), "-d", "sql:nss", "-u", "5");
            assertNotEquals(0, bad.exitCode(), "cmsutil must notice the change");
        }
    }

    @Test
    void cmsutilDecryptsTheCompatibilityProfile() throws Exception {
        Path p = p7m(compatEncrypted("opened by NSS\n"), "nss-compat");
        ExternalTool.Result r = ExternalTool.run(dir, "cmsutil", "-D", "-i", p.getFileName().toString(), "-d", "sql:nss").requireSuccess();
        assertTrue(r.stdoutText().contains("opened by NSS"), r.stdoutText());
    }

    @Test
    void hsmkitReadsWhatCmsutilSignsAndEncrypts() throws Exception {
        Files.writeString(dir.resolve("nss-content.txt"), "Content-Type: text/plain\r\n\r\nwritten by NSS\r\n");
        ExternalTool.run(dir, "cmsutil", "-S", "-N", "alice-rsa2048", "-G", "-P", "-i", "nss-content.txt", "-o", "nss-signed.p7m",
                "-d", "sql:nss").requireSuccess();
        SmimeReport signed = SmimeReader.builder().trustAnchors(TestMails.anchors()).build()
                .read(TestMails.parse(wrap("nss-signed.p7m", "signed-data", "alice@hsmkit.test")));
        assertTrue(signed.verified(), () -> signed.problems().toString());

        ExternalTool.run(dir, "cmsutil", "-E", "-r", "alice@hsmkit.test", "-i", "nss-content.txt", "-o", "nss-enc.p7m", "-d", "sql:nss")
                .requireSuccess();
        SmimeReport enc = SmimeReader.builder().decryptWith(TestMails.key(TestUser.ALICE_RSA2048)).build()
                .read(TestMails.parse(wrap("nss-enc.p7m", "enveloped-data", "bob@hsmkit.test")));
        assertEquals("written by NSS\r\n", enc.content().getContent());
    }

    /** Puts a DER CMS file into an application/pkcs7-mime message, as a mail client would. */
    private static byte[] wrap(String file, String smimeType, String from) throws Exception {
        byte[] der = Files.readAllBytes(dir.resolve(file));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("From: " + from + "\r\nTo: alice@hsmkit.test\r\nSubject: interop\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=" + smimeType + "; name=smime.p7m\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(Base64.getMimeEncoder().encode(der));
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
