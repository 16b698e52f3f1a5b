package org.hsmkit.core.openpgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GnuPG 2.2 and hsmkit read each other's OpenPGP, for every key type hsmkit supports: gpg imports
 * hsmkit's certificates with the fingerprints hsmkit computes and valid self-signatures, each
 * decrypts what the other encrypts, each verifies what the other signs (detached, inline,
 * cleartext). gpg holds the same keys as secret keys, imported from the test PKI's private keys;
 * hsmkit's keys are soft token keys, and for the SoftHSM2 test keys on a PKCS#11 token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgpGnupgInteropTest {
    private final byte[] plain = "OpenPGP interop\nline two with trailing blanks  \n- a dashed line\n".getBytes(StandardCharsets.UTF_8);
    private final Map<TestUser, PgpCertificate> certs = new EnumMap<>(TestUser.class);
    private Path dir;
    private Gpg gpg;

    @BeforeAll
    void setUp() throws Exception {
        dir = Files.createTempDirectory("hsmkit-pgp-gpg-");
        gpg = Gpg.start(dir);
        Files.write(dir.resolve("plain.txt"), plain);
        StringBuilder secrets = new StringBuilder();
        for (TestUser u : PgpTestKeys.users()) {
            PgpCertificate c = PgpTestKeys.certificate(u);
            certs.put(u, c);
            Files.writeString(dir.resolve(u.fileName() + ".asc"), c.armored());
            secrets.append(PgpTestKeys.secretKey(u, c));
        }
        Files.writeString(dir.resolve("secret.asc"), secrets);
        // the public certificates first (one gpg run for all): what is checked below is that gpg
        // accepts hsmkit's self-signatures
        List<String> importAll = new ArrayList<>(List.of("--import"));
        PgpTestKeys.users().forEach(u -> importAll.add(u.fileName() + ".asc"));
        gpg.run(importAll.toArray(String[]::new)).requireSuccess();
        gpg.run("--import", "secret.asc").requireSuccess();
    }

    @AfterAll
    void tearDown() {
        if (gpg != null) {
            gpg.close();
        }
    }

    static List<TestUser> users() {
        return PgpTestKeys.users();
    }

    @ParameterizedTest
    @MethodSource("users")
    void gpgImportsTheCertificateWithHsmkitsFingerprintsAndValidSelfSignatures(TestUser u) {
        PgpCertificate c = certs.get(u);
        assertEquals(c.keyFingerprints(), gpg.fingerprints(c.fingerprint()));
        String sigs = gpg.run("--with-colons", "--check-sigs", c.fingerprint()).requireSuccess().stdoutText();
        long good = sigs.lines().filter(l -> l.startsWith("sig:!:")).count();
        // the user id's self-signature, and for EC keys the ECDH subkey's binding (an RSA key signs and encrypts as one key)
        assertEquals(u.isRsa() ? 1 : 2, good, sigs);
        assertTrue(sigs.lines().noneMatch(l -> l.startsWith("sig:-:") || l.startsWith("sig:%:")), sigs);
        String uid = sigs.lines().filter(l -> l.startsWith("uid:")).findFirst().orElseThrow();
        assertTrue(uid.contains(u.email()), uid);
    }

    @ParameterizedTest
    @MethodSource("users")
    void hsmkitDecryptsWhatGpgEncrypts(TestUser u) throws Exception {
        String name = "gpg-" + u.fileName() + ".gpg";
        gpg.run("-r", certs.get(u).fingerprint(), "-o", name, "--encrypt", "plain.txt").requireSuccess();
        PgpDecryptor.Decryption d = decrypt(PgpTestKeys.key(u), dir.resolve(name));
        assertEquals(PacketFormat.SEIPD_V1, d.format());
        List<String> keys = certs.get(u).keyFingerprints();
        assertEquals(keys.get(keys.size() - 1), d.recipientKey());
    }

    @ParameterizedTest
    @MethodSource("users")
    void gpgDecryptsWhatHsmkitEncrypts(TestUser u) throws Exception {
        PgpEncryptor enc = PgpEncryptor.to(List.of(certs.get(u))).seipdV1Only(true).armor(true).build();
        assertEquals(PacketFormat.SEIPD_V1, enc.format());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        enc.encrypt(new ByteArrayInputStream(plain), out);
        String name = "hsmkit-" + u.fileName() + ".asc";
        Files.write(dir.resolve(name), out.toByteArray());
        gpg.run("-o", name + ".out", "--decrypt", name).requireSuccess();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve(name + ".out")));
    }

    @ParameterizedTest
    @MethodSource("users")
    void gpgVerifiesHsmkitSignaturesOfEveryShape(TestUser u) throws Exception {
        for (SignatureMode mode : SignatureMode.values()) {
            ByteArrayOutputStream sig = new ByteArrayOutputStream();
            PgpSigner.with(PgpTestKeys.key(u)).mode(mode).armor(mode != SignatureMode.INLINE).build().sign(new ByteArrayInputStream(plain), sig);
            String name = "hsmkit-" + u.fileName() + "-" + mode + (mode == SignatureMode.INLINE ? ".gpg" : ".asc");
            Files.write(dir.resolve(name), sig.toByteArray());
            ExternalTool.Result r = mode == SignatureMode.DETACHED ? gpg.run("--status-fd", "1", "--verify", name, "plain.txt")
                    : gpg.run("--status-fd", "1", "-o", name + ".out", "--verify", name);
            r.requireSuccess();
            assertTrue(r.stdoutText().contains("[GNUPG:] VALIDSIG " + certs.get(u).fingerprint()), mode + ": " + gpg.text(r));
            if (mode == SignatureMode.INLINE) {
                assertArrayEquals(plain, Files.readAllBytes(dir.resolve(name + ".out")));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("users")
    void hsmkitVerifiesGpgSignaturesOfEveryShape(TestUser u) throws Exception {
        String fpr = certs.get(u).fingerprint();
        String base = "gpg-" + u.fileName();
        gpg.run("-u", fpr, "-o", base + ".sig", "--detach-sign", "plain.txt").requireSuccess();
        gpg.run("-u", fpr, "-o", base + ".gpg", "--sign", "plain.txt").requireSuccess();
        gpg.run("-u", fpr, "-o", base + ".clear.asc", "--clearsign", "plain.txt").requireSuccess();
        PgpVerifier v = PgpVerifier.trusting(List.of(certs.get(u)));
        try (InputStream sig = Files.newInputStream(dir.resolve(base + ".sig")); InputStream data = Files.newInputStream(dir.resolve("plain.txt"))) {
            assertSigner(u, v.verifyDetached(sig, data));
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(dir.resolve(base + ".gpg"))) {
            assertSigner(u, v.verify(in, content));
        }
        assertArrayEquals(plain, content.toByteArray());
        content.reset();
        try (InputStream in = Files.newInputStream(dir.resolve(base + ".clear.asc"))) {
            assertSigner(u, v.verify(in, content));
        }
        // a cleartext signature does not cover trailing blanks: what is released is what was signed, as gpg writes it
        gpg.run("-o", base + ".clear.gpg-out", "--decrypt", base + ".clear.asc").requireSuccess();
        assertArrayEquals(Files.readAllBytes(dir.resolve(base + ".clear.gpg-out")), content.toByteArray());
        assertEquals(new String(plain, StandardCharsets.UTF_8).replace("blanks  \n", "blanks\n"), content.toString(StandardCharsets.UTF_8));
    }

    private void assertSigner(TestUser u, List<VerifiedSignature> sigs) {
        assertEquals(1, sigs.size());
        assertEquals(certs.get(u).fingerprint(), sigs.get(0).keyFingerprint());
        assertEquals(Optional.of(PgpTestKeys.userId(u)), sigs.get(0).userId());
    }

    /**
     * hsmkit writes the SEIPD v1 framing itself: 1 MiB partial parts (the body's first byte, the
     * version, shifts each part by one byte) and a last part whose length takes one, two or five
     * bytes. gpg reads each: about 210, 1,050 and 9,050 bytes of packet body, a last part cut
     * right after a full 1 MiB part, and three parts and a bit.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 150, 1000, 9000, (1 << 20) - 48, 3 * (1 << 20) + 17})
    void gpgReadsHsmkitsSeipdV1FramingAtEveryLengthEncoding(int size) throws Exception {
        byte[] data = new byte[size];
        new java.util.Random(size).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(List.of(certs.get(TestUser.BOB_P256))).seipdV1Only(true).build().encrypt(new ByteArrayInputStream(data), out);
        String name = "framing-" + size + ".gpg";
        Files.write(dir.resolve(name), out.toByteArray());
        gpg.run("-o", name + ".out", "--decrypt", name).requireSuccess();
        assertArrayEquals(data, Files.readAllBytes(dir.resolve(name + ".out")));
    }

    @Test
    void gpgReadsMessagesForSeveralRecipients() throws Exception {
        List<PgpCertificate> to = List.of(certs.get(TestUser.ALICE_RSA2048), certs.get(TestUser.BOB_P256), certs.get(TestUser.FRANK_BP384));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(to).seipdV1Only(true).build().encrypt(new ByteArrayInputStream(plain), out);
        Files.write(dir.resolve("three.gpg"), out.toByteArray());
        ExternalTool.Result r = gpg.run("--status-fd", "1", "-o", "three.out", "--decrypt", "three.gpg").requireSuccess();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("three.out")));
        assertEquals(3, r.stdoutText().lines().filter(l -> l.startsWith("[GNUPG:] ENC_TO ")).count(), r.stdoutText());
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256, TestUser.FRANK_BP384)) {
            decrypt(PgpTestKeys.key(u), dir.resolve("three.gpg"));
        }
    }

    @Test
    void gpgCompressedAndSignedMessagesDecrypt() throws Exception {
        String fpr = certs.get(TestUser.CAROL_P384).fingerprint();
        gpg.run("-r", fpr, "-u", fpr, "--compress-algo", "zlib", "-o", "signed.gpg", "--sign", "--encrypt", "plain.txt").requireSuccess();
        PgpDecryptor.Decryption d = decrypt(PgpTestKeys.key(TestUser.CAROL_P384), dir.resolve("signed.gpg"));
        assertTrue(d.compressed());
        assertEquals(List.of(certs.get(TestUser.CAROL_P384).keyId()), d.signerKeyIds());
        assertTrue(d.signatures().isEmpty(), "not checked without a keyring");
        // with a keyring, gpg's signature inside is checked: by every key type, for a recipient of another type
        for (TestUser signer : users()) {
            String name = "signed-by-" + signer.fileName() + ".gpg";
            String by = certs.get(signer).fingerprint();
            gpg.run("-r", fpr, "-u", by, "-o", name, "--sign", "--encrypt", "plain.txt").requireSuccess();
            d = decrypt(PgpTestKeys.key(TestUser.CAROL_P384), dir.resolve(name), PgpVerifier.trusting(List.of(certs.get(signer))));
            assertEquals(1, d.signatures().size(), signer.name());
            assertEquals(by, d.signatures().get(0).certificateFingerprint(), signer.name());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gpgChecksTheSignatureInsideWhatHsmkitSignsAndEncrypts(boolean armor) throws Exception {
        TestUser signer = armor ? TestUser.ALICE_RSA2048 : TestUser.ERIN_BP256;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(List.of(certs.get(TestUser.BOB_P256))).seipdV1Only(true).armor(armor).signedBy(PgpTestKeys.key(signer))
                .build().encrypt(new ByteArrayInputStream(plain), out);
        String name = "hsmkit-signed-" + armor + ".gpg";
        Files.write(dir.resolve(name), out.toByteArray());
        ExternalTool.Result r = gpg.run("--status-fd", "1", "-o", name + ".out", "--decrypt", name).requireSuccess();
        assertTrue(r.stdoutText().contains("[GNUPG:] VALIDSIG " + certs.get(signer).fingerprint()), gpg.text(r));
        assertTrue(r.stdoutText().contains("[GNUPG:] DECRYPTION_OKAY"), gpg.text(r));
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve(name + ".out")));
    }

    /**
     * gpg takes hsmkit's revocation certificate as its own (in a home of its own, so the other
     * tests keep a valid certificate), with the reason and comment; the revoked certificate gpg
     * exports then is refused by hsmkit for encryption and for signatures.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = PgpRevocation.Reason.class, names = {"COMPROMISED", "RETIRED"})
    void gpgRevokesTheCertificateWithHsmkitsRevocationCertificate(PgpRevocation.Reason reason) throws Exception {
        TestUser u = reason == PgpRevocation.Reason.COMPROMISED ? TestUser.ERIN_BP256 : TestUser.ANDY_RSA3072;
        PgpCertificate cert = certs.get(u);
        PgpRevocation rev = PgpRevocation.make(PgpTestKeys.key(u), reason, "moved to a new token");
        assertEquals(cert.fingerprint(), rev.certificateFingerprint());
        assertTrue(rev.armored().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), rev.armored());
        try (Gpg other = Gpg.start(dir)) {
            String name = "rev-" + u.fileName() + ".asc";
            Files.writeString(dir.resolve(name), rev.armored());
            other.run("--import", u.fileName() + ".asc").requireSuccess();
            assertTrue(other.run("--with-colons", "--list-keys", cert.fingerprint()).requireSuccess().stdoutText().contains("pub:-:"));
            // gpg 2.2 under 'trust-model always' (this home's gpg.conf) fails a revocation's import for want of a trust database
            other.run("--trust-model", "pgp", "--import", name).requireSuccess();
            String listed = other.run("--with-colons", "--list-sigs", cert.fingerprint()).requireSuccess().stdoutText();
            assertTrue(listed.lines().anyMatch(l -> l.startsWith("pub:r:")), listed);
            String revLine = listed.lines().filter(l -> l.startsWith("rev:")).findFirst().orElseThrow();
            assertTrue(revLine.contains(":20x,0" + (reason == PgpRevocation.Reason.COMPROMISED ? 2 : 3) + ":"), revLine);
            assertTrue(revLine.contains("moved to a new token"), revLine);

            byte[] revoked = other.run("--export", cert.fingerprint()).requireSuccess().stdout();
            List<PgpCertificate> back = PgpCertificate.read(new ByteArrayInputStream(revoked));
            org.hsmkit.core.HsmkitException e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class,
                    () -> PgpEncryptor.to(back).build());
            assertTrue(e.getMessage().contains("revoked"), e.getMessage());
            ByteArrayOutputStream sig = new ByteArrayOutputStream();
            PgpSigner.with(PgpTestKeys.key(u)).mode(SignatureMode.DETACHED).build().sign(new ByteArrayInputStream(plain), sig);
            e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class, () -> PgpVerifier.trusting(back)
                    .verifyDetached(new ByteArrayInputStream(sig.toByteArray()), new ByteArrayInputStream(plain)));
            assertEquals(org.hsmkit.core.ErrorKind.VERIFICATION_FAILED, e.kind());
            assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        }
    }

    /**
     * gpg --textmode stores text with CR LF line ends (literal format 't'); on Unix gpg writes it
     * back with LF, and so does hsmkit, for a signed message and a signed and encrypted one.
     */
    @Test
    void textModeMessagesComeOutWithTheLineEndsGpgGivesThem() throws Exception {
        Files.write(dir.resolve("text.txt"), "first line\r\nsecond line\nno end".getBytes(StandardCharsets.UTF_8));
        String signer = certs.get(TestUser.ALICE_RSA2048).fingerprint();
        String to = certs.get(TestUser.BOB_P256).fingerprint();
        gpg.run("-u", signer, "--textmode", "-o", "text.gpg", "--sign", "text.txt").requireSuccess();
        gpg.run("-u", signer, "-r", to, "--textmode", "-o", "text-enc.gpg", "--sign", "--encrypt", "text.txt").requireSuccess();
        gpg.run("-o", "text.gpg.gpg-out", "--decrypt", "text.gpg").requireSuccess();
        byte[] gpgs = Files.readAllBytes(dir.resolve("text.gpg.gpg-out"));
        assertArrayEquals("first line\nsecond line\nno end".getBytes(StandardCharsets.UTF_8), gpgs);

        ByteArrayOutputStream verified = new ByteArrayOutputStream();
        PgpVerifier.trusting(List.of(certs.get(TestUser.ALICE_RSA2048))).verify(Files.newInputStream(dir.resolve("text.gpg")), verified);
        assertArrayEquals(gpgs, verified.toByteArray());
        PgpDecryptor.Decryption d = decryptTo(PgpTestKeys.key(TestUser.BOB_P256), dir.resolve("text-enc.gpg"), "text-enc.out",
                PgpVerifier.trusting(List.of(certs.get(TestUser.ALICE_RSA2048))));
        assertArrayEquals(gpgs, Files.readAllBytes(dir.resolve("text-enc.out")));
        assertEquals(gpgs.length, d.plaintextBytes());
        assertEquals(1, d.signatures().size());
    }

    /** Hidden recipients (gpg --throw-keyids): the message names no key, and gpg and hsmkit each find theirs by trying. */
    @Test
    void aMessageWithHiddenRecipientsNamesNoKeyAndStillDecrypts() throws Exception {
        List<PgpCertificate> to = List.of(certs.get(TestUser.ALICE_RSA2048), certs.get(TestUser.CAROL_P384));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(to).seipdV1Only(true).hiddenRecipients(true).build().encrypt(new ByteArrayInputStream(plain), out);
        Files.write(dir.resolve("hidden.gpg"), out.toByteArray());
        assertEquals(List.of("anonymous", "anonymous"), PgpInspector.inspect(new ByteArrayInputStream(out.toByteArray())).recipientKeyIds());
        String message = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.CAROL_P384)) {
            for (String fpr : certs.get(u).keyFingerprints()) { // a version 4 key id is the fingerprint's last 8 octets
                String keyId = new String(org.bouncycastle.util.encoders.Hex.decode(fpr.substring(24)), StandardCharsets.ISO_8859_1);
                assertTrue(message.indexOf(keyId) < 0, u + "'s key id " + fpr.substring(24) + " is in the message");
            }
        }
        ExternalTool.Result r = gpg.run("--status-fd", "1", "-o", "hidden.out", "--decrypt", "hidden.gpg").requireSuccess();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("hidden.out")));
        assertTrue(r.stdoutText().contains("[GNUPG:] ENC_TO 0000000000000000"), gpg.text(r));
        decrypt(PgpTestKeys.key(TestUser.CAROL_P384), dir.resolve("hidden.gpg"));
    }

    /**
     * gpg 2.4's default key kind, an Ed25519 primary key with a Curve25519 encryption subkey (made
     * here by gpg): hsmkit verifies its signatures of every shape, encrypts to it for gpg, and
     * checks its signature inside a message gpg signs and encrypts to an hsmkit key.
     */
    @Test
    void gpgsEd25519AndCurve25519KeysSignAndAreEncryptedTo() throws Exception {
        gpg.run("--quick-generate-key", "Modern <modern@hsmkit.test>", "ed25519", "sign", "never").requireSuccess();
        String fpr = gpg.fingerprints("modern@hsmkit.test").get(0);
        gpg.run("--quick-add-key", fpr, "cv25519", "encr", "never").requireSuccess();
        byte[] exported = gpg.run("--export", fpr).requireSuccess().stdout();
        List<PgpCertificate> modern = PgpCertificate.read(new ByteArrayInputStream(exported));
        PgpVerifier v = PgpVerifier.trusting(modern);

        gpg.run("-u", fpr, "-o", "modern.sig", "--detach-sign", "plain.txt").requireSuccess();
        gpg.run("-u", fpr, "-o", "modern.gpg", "--sign", "plain.txt").requireSuccess();
        assertEquals(fpr, v.verifyDetached(Files.newInputStream(dir.resolve("modern.sig")), new ByteArrayInputStream(plain)).get(0)
                .keyFingerprint());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        v.verify(Files.newInputStream(dir.resolve("modern.gpg")), content);
        assertArrayEquals(plain, content.toByteArray());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(modern).build().encrypt(new ByteArrayInputStream(plain), out);
        Files.write(dir.resolve("to-modern.gpg"), out.toByteArray());
        gpg.run("-o", "to-modern.out", "--decrypt", "to-modern.gpg").requireSuccess();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("to-modern.out")));

        gpg.run("-u", fpr, "-r", certs.get(TestUser.BOB_P256).fingerprint(), "-o", "from-modern.gpg", "--sign", "--encrypt", "plain.txt")
                .requireSuccess();
        PgpDecryptor.Decryption d = decrypt(PgpTestKeys.key(TestUser.BOB_P256), dir.resolve("from-modern.gpg"), v);
        assertEquals(fpr, d.signatures().get(0).certificateFingerprint());
    }

    /**
     * What gpg 2.2 still makes and accepts: a signature with SHA-1 (--digest-algo), and one by an
     * RSA-1024 key. hsmkit refuses both, as it refuses them in CMS, saying what is weak; the same
     * key's SHA-256 signature names its key size, not the hash.
     */
    @Test
    void gpgSignaturesWithSha1OrAnRsa1024KeyAreRefusedSayingWhy() throws Exception {
        gpg.run("--quick-generate-key", "Weak <weak@hsmkit.test>", "rsa1024", "sign", "never").requireSuccess();
        String weak = gpg.fingerprints("weak@hsmkit.test").get(0);
        gpg.run("--quick-generate-key", "Sha1 <sha1@hsmkit.test>", "ed25519", "sign", "never").requireSuccess();
        String sha1 = gpg.fingerprints("sha1@hsmkit.test").get(0);
        PgpVerifier v = PgpVerifier.trusting(PgpCertificate.read(new ByteArrayInputStream(
                gpg.run("--export", weak, sha1).requireSuccess().stdout())));

        gpg.run("-u", sha1, "--digest-algo", "SHA1", "-o", "sha1.sig", "--detach-sign", "plain.txt").requireSuccess();
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> v.verifyDetached(Files.newInputStream(dir.resolve("sha1.sig")), new ByteArrayInputStream(plain)));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertEquals("the signature uses SHA-1, not relied on for signatures since 2014 (NIST SP 800-131A)", e.getMessage());

        gpg.run("-u", weak, "--digest-algo", "SHA256", "-o", "weak.sig", "--detach-sign", "plain.txt").requireSuccess();
        e = assertThrows(HsmkitException.class,
                () -> v.verifyDetached(Files.newInputStream(dir.resolve("weak.sig")), new ByteArrayInputStream(plain)));
        assertEquals("the signer's key " + weak + " has a 1024-bit RSA key, not relied on for signatures since 2014"
                + " (NIST SP 800-131A)", e.getMessage());
        assertTrue(e.hint().orElseThrow().startsWith("the signer needs a new key pair"), e.hint().toString());
    }

    /** gpg's signature with a critical notation: gpg calls it BAD ("unknown critical bit"), and hsmkit fails it too. */
    @Test
    void aGpgSignatureWithACriticalNotationFailsAsGpgFailsIt() throws Exception {
        String fpr = certs.get(TestUser.GRACE_BP512).fingerprint();
        gpg.run("-u", fpr, "--sig-notation", "!approval@example.org=yes", "-o", "critical.sig", "--detach-sign", "plain.txt").requireSuccess();
        ExternalTool.Result own = gpg.run("--status-fd", "1", "--verify", "critical.sig", "plain.txt");
        assertTrue(own.stdoutText().contains("[GNUPG:] BADSIG"), gpg.text(own));
        org.hsmkit.core.HsmkitException e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class,
                () -> PgpVerifier.trusting(List.of(certs.get(TestUser.GRACE_BP512))).verifyDetached(
                        Files.newInputStream(dir.resolve("critical.sig")), new ByteArrayInputStream(plain)));
        assertEquals(org.hsmkit.core.ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("critical notation (approval@example.org)"), e.getMessage());
    }

    @Test
    void softHsm2KeysDecryptAndSignForGpg() throws Exception {
        try (SoftHsmToken hsm = SoftHsmToken.create("pgp-gpg");
                Token token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            for (TestUser u : List.of(TestUser.ANDY_RSA3072, TestUser.BOB_P256, TestUser.ERIN_BP256)) {
                TestPki.Credential c = TestPki.standard().user(u);
                TokenKey onToken = token.importKey(c.privateKey(), c.chain(), u.fileName(), null);
                assertEquals(u.isRsa(), onToken.type().isRsa());
                PgpTokenKey k = PgpTokenKey.of(onToken, PgpTestKeys.CREATED);
                String name = "hsm-" + u.fileName() + ".gpg";
                gpg.run("-r", certs.get(u).fingerprint(), "-o", name, "--encrypt", "plain.txt").requireSuccess();
                decrypt(k, dir.resolve(name));
                ByteArrayOutputStream sig = new ByteArrayOutputStream();
                PgpSigner.with(k).mode(SignatureMode.DETACHED).build().sign(new ByteArrayInputStream(plain), sig);
                Files.write(dir.resolve(name + ".sig"), sig.toByteArray());
                ExternalTool.Result r = gpg.run("--status-fd", "1", "--verify", name + ".sig", "plain.txt").requireSuccess();
                assertTrue(r.stdoutText().contains("[GNUPG:] VALIDSIG " + certs.get(u).fingerprint()), gpg.text(r));
            }
            // the creation time kept on the token gives the same certificate twice
            TokenKey rsa = token.key(TestUser.ANDY_RSA3072.fileName());
            PgpTokenKey first = PgpTokenKey.storedOrNew(token, rsa, PgpTestKeys.CREATED);
            PgpTokenKey again = PgpTokenKey.storedOrNew(token, rsa, PgpTestKeys.CREATED.plusSeconds(86_400));
            assertEquals(PgpTestKeys.CREATED, again.creationTime());
            assertEquals(first.signingFingerprint(), certs.get(TestUser.ANDY_RSA3072).fingerprint());
            assertEquals(KeyType.RSA_3072, rsa.type());
        }
    }

    private PgpDecryptor.Decryption decrypt(PgpTokenKey key, Path message) throws Exception {
        return decrypt(key, message, null);
    }

    /** Decrypts and checks the plaintext; with {@code signers}, also requires their signatures inside. */
    private PgpDecryptor.Decryption decrypt(PgpTokenKey key, Path message, PgpVerifier signers) throws Exception {
        String target = message.getFileName() + "-" + key.key().label() + ".out";
        PgpDecryptor.Decryption d = decryptTo(key, message, target, signers);
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve(target)));
        assertEquals(plain.length, d.plaintextBytes());
        return d;
    }

    private PgpDecryptor.Decryption decryptTo(PgpTokenKey key, Path message, String target, PgpVerifier signers) throws Exception {
        try (InputStream in = Files.newInputStream(message); AtomicOutput out = AtomicOutput.toFile(dir.resolve(target), true)) {
            PgpDecryptor decryptor = PgpDecryptor.withKey(key);
            return (signers == null ? decryptor : decryptor.checkingSignatures(signers)).decrypt(in, out);
        }
    }
}
