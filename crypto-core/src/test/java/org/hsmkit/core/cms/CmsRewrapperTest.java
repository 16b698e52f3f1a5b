package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.RecipientKeys;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Re-wrapping changes who can open a file and nothing else: after it, {@code openssl cms} decrypts
 * the file for every remaining recipient and for none of the removed ones, and the encrypted
 * content and tag are the old ones byte for byte. The token keys are in SoftHSM2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmsRewrapperTest {
    private final byte[] plain = CmsEncryptionRoundTripTest.random(200_001, 5);
    private Path dir;
    private SoftHsmToken hsm;
    private Token token;

    @BeforeAll
    void setUp() throws Exception {
        ExternalTool.require("openssl", "openssl");
        dir = Files.createTempDirectory("hsmkit-rewrap-");
        TestPki.standard().writeTo(dir);
        Files.write(dir.resolve("plain.bin"), plain);
        hsm = SoftHsmToken.create("cms-rewrap");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256)) {
            TestPki.Credential c = TestPki.standard().user(u);
            token.importKey(c.privateKey(), c.chain(), u.fileName(), null);
        }
    }

    @AfterAll
    void tearDown() {
        if (token != null) {
            token.close();
        }
        if (hsm != null) {
            hsm.close();
        }
    }

    private static X509Certificate cert(TestUser u) {
        return TestPki.standard().user(u).certificate();
    }

    /** openssl's -encrypt of plain.bin; {@code cipher} like -aes-256-gcm. */
    private Path opensslEncrypt(String name, String cipher, List<String> extra, TestUser... to) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-encrypt", "-binary", cipher, "-outform", "DER",
                "-in", "plain.bin", "-out", name));
        cmd.addAll(extra);
        for (TestUser u : to) {
            cmd.add(u.fileName() + ".pem");
        }
        ExternalTool.run(dir, null, java.util.Map.of(), cmd).requireSuccess();
        return dir.resolve(name);
    }

    private CmsRewrapper.Rewrap rewrap(Path in, Path out, UnaryOperator<CmsRewrapper.Builder> change) throws Exception {
        try (InputStream s = Files.newInputStream(in); AtomicOutput o = AtomicOutput.toFile(out, true)) {
            return change.apply(CmsRewrapper.withKeysOf(token)).build().rewrap(s, o);
        }
    }

    private boolean opensslDecrypts(Path file, TestUser u) {
        Path out = dir.resolve(file.getFileName() + "." + u.fileName() + ".out");
        ExternalTool.Result r = ExternalTool.run(dir, "openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in",
                file.getFileName().toString(), "-recip", u.fileName() + ".pem", "-inkey", u.fileName() + ".key.pem", "-out", out.toString());
        try {
            return r.exitCode() == 0 && java.util.Arrays.equals(plain, Files.readAllBytes(out));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The encrypted content bytes and the MAC, as the file carries them. */
    private static byte[] contentAndTag(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            EnvelopeReader r = EnvelopeReader.open(Armor.open(in).der());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            r.content().transferTo(b);
            EnvelopeReader.Trailer t = r.finish();
            if (t.mac() != null) {
                b.write(t.mac());
            }
            return b.toByteArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-aes-256-gcm", "-aes-128-gcm", "-aes-256-cbc", "-aes-128-cbc", "-des3"})
    void removedRecipientsLoseAccessAddedOnesGainItAndTheContentIsUntouched(String cipher) throws Exception {
        Path in = opensslEncrypt("mixed" + cipher + ".p7m", cipher, List.of(), TestUser.ALICE_RSA2048, TestUser.BOB_P256, TestUser.ANDY_RSA3072);
        Path out = dir.resolve("mixed" + cipher + ".rewrapped.p7m");
        CmsRewrapper.Rewrap r = rewrap(in, out, b -> b.addRecipient(cert(TestUser.CAROL_P384)).addRecipient(cert(TestUser.AMY_RSA4096))
                .removeRecipient(cert(TestUser.ANDY_RSA3072)));
        for (TestUser stays : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256, TestUser.CAROL_P384, TestUser.AMY_RSA4096)) {
            assertTrue(opensslDecrypts(out, stays), stays + " must still decrypt");
        }
        assertFalse(opensslDecrypts(out, TestUser.ANDY_RSA3072), "the removed recipient must not decrypt");
        assertArrayEquals(contentAndTag(in), contentAndTag(out));
        assertEquals(4, r.recipients().size());
        assertEquals(1, r.removed().size());
        assertTrue(r.removed().get(0).startsWith("CN=Andy RSA-3072,") && r.removed().get(0).contains(" (issuer \""),
                "who was removed, as the caller named them, and the entry: " + r.removed());
        assertEquals(2, r.added().size());
        assertTrue(r.contentBytes() >= plain.length && r.contentBytes() <= plain.length + 16, "encrypted content bytes " + r.contentBytes());
        assertFalse(r.reencrypted());
    }

    @Test
    void anEcKeyOpensTheFileAndAnEcRecipientCanBeRemoved() throws Exception {
        // only Bob (P-256) is on the token among these recipients
        Path in = opensslEncrypt("ec.p7m", "-aes-256-gcm", List.of(), TestUser.BOB_P256, TestUser.DAVE_P521, TestUser.CAROL_P384);
        Path out = dir.resolve("ec.rewrapped.p7m");
        CmsRewrapper.Rewrap r = rewrap(in, out, b -> b.removeRecipient(cert(TestUser.DAVE_P521)).addRecipient(cert(TestUser.ALICE_RSA2048)));
        assertTrue(r.keyReference().contains(TestUser.BOB_P256.fileName()), r.keyReference());
        assertTrue(opensslDecrypts(out, TestUser.BOB_P256));
        assertTrue(opensslDecrypts(out, TestUser.CAROL_P384));
        assertTrue(opensslDecrypts(out, TestUser.ALICE_RSA2048));
        assertFalse(opensslDecrypts(out, TestUser.DAVE_P521));
        assertArrayEquals(contentAndTag(in), contentAndTag(out));
    }

    @Test
    void aRecipientCanBeRemovedByItsKeyIdentifier() throws Exception {
        Path in = opensslEncrypt("ski.p7m", "-aes-256-gcm", List.of("-keyid"), TestUser.ALICE_RSA2048, TestUser.ANDY_RSA3072);
        Path out = dir.resolve("ski.rewrapped.p7m");
        byte[] ski = RecipientKeys.skiExtension(cert(TestUser.ANDY_RSA3072)).orElseThrow();
        rewrap(in, out, b -> b.removeKeyId(ski));
        assertTrue(opensslDecrypts(out, TestUser.ALICE_RSA2048));
        assertFalse(opensslDecrypts(out, TestUser.ANDY_RSA3072));
    }

    @Test
    void hsmkitPemFilesStayPemAndDecryptWithHsmkit() throws Exception {
        ByteArrayOutputStream enc = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.of(List.of(cert(TestUser.ALICE_RSA2048)))).armor(true).build()
                .encrypt(new java.io.ByteArrayInputStream(plain), enc);
        Path in = dir.resolve("hsmkit.pem");
        Files.write(in, enc.toByteArray());
        Path out = dir.resolve("hsmkit.rewrapped.pem");
        rewrap(in, out, b -> b.addRecipient(cert(TestUser.BOB_P256)));
        assertTrue(Files.readString(out).startsWith("-----BEGIN CMS-----"));
        Path dec = dir.resolve("hsmkit.rewrapped.out");
        try (InputStream s = Files.newInputStream(out); AtomicOutput o = AtomicOutput.toFile(dec, true)) {
            CmsDecryptor.withKey(token.key(TestUser.BOB_P256.fileName())).decrypt(s, o);
        }
        assertArrayEquals(plain, Files.readAllBytes(dec));
    }

    @Test
    void reencryptionUsesAFreshKeyForTheRecipientsWhoStay() throws Exception {
        Path in = opensslEncrypt("re.p7m", "-aes-256-gcm", List.of(), TestUser.ALICE_RSA2048, TestUser.CAROL_P384, TestUser.ANDY_RSA3072);
        Path out = dir.resolve("re.out.p7m");
        CmsRewrapper.Rewrap r = rewrap(in, out, b -> b.reencrypt(true).addRecipient(cert(TestUser.CAROL_P384))
                .removeRecipient(cert(TestUser.ANDY_RSA3072)));
        assertTrue(r.reencrypted());
        assertTrue(opensslDecrypts(out, TestUser.ALICE_RSA2048));
        assertTrue(opensslDecrypts(out, TestUser.CAROL_P384));
        assertFalse(opensslDecrypts(out, TestUser.ANDY_RSA3072));
        assertNotEquals(new String(contentAndTag(in), java.nio.charset.StandardCharsets.ISO_8859_1).substring(0, 64),
                new String(contentAndTag(out), java.nio.charset.StandardCharsets.ISO_8859_1).substring(0, 64));
    }

    /** Old mail in 3DES leaves it by re-encryption: hsmkit reads 3DES but writes AES-256-GCM instead. */
    @Test
    void reencryptionOfA3desFileWritesAes256Gcm() throws Exception {
        Path in = opensslEncrypt("old.p7m", "-des3", List.of(), TestUser.ALICE_RSA2048, TestUser.CAROL_P384);
        Path out = dir.resolve("old.aes.p7m");
        CmsRewrapper.Rewrap r = rewrap(in, out, b -> b.reencrypt(true).addRecipient(cert(TestUser.CAROL_P384)));
        assertEquals(ContentCipher.AES256_GCM, r.cipher());
        assertTrue(opensslDecrypts(out, TestUser.ALICE_RSA2048));
        assertTrue(opensslDecrypts(out, TestUser.CAROL_P384));
        try (InputStream s = Files.newInputStream(out)) {
            assertEquals("aes256-gcm", CmsInspector.inspect(s).contentAlgorithm());
        }
    }

    @Test
    void reencryptionWithoutTheCertificateOfARecipientWhoStaysIsRefused() throws Exception {
        Path in = opensslEncrypt("re2.p7m", "-aes-256-gcm", List.of(), TestUser.ALICE_RSA2048, TestUser.CAROL_P384);
        Path out = dir.resolve("re2.out.p7m");
        HsmkitException e = assertThrows(HsmkitException.class, () -> rewrap(in, out, b -> b.reencrypt(true)));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertTrue(e.getMessage().contains("missing: issuer"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusals() throws Exception {
        Path in = opensslEncrypt("refuse.p7m", "-aes-256-gcm", List.of(), TestUser.ALICE_RSA2048, TestUser.CAROL_P384);
        Path out = dir.resolve("refuse.out.p7m");
        List<UnaryOperator<CmsRewrapper.Builder>> refused = List.of(
                b -> b.removeRecipient(cert(TestUser.ALICE_RSA2048)).removeRecipient(cert(TestUser.CAROL_P384)).allowRemovingOwnKey(true),
                b -> b.removeRecipient(cert(TestUser.ALICE_RSA2048)),
                b -> b.removeRecipient(cert(TestUser.DAVE_P521)),
                b -> b.addRecipient(cert(TestUser.CAROL_P384)),
                b -> b.addRecipient(cert(TestUser.SIGNER_ONLY_RSA)));
        List<String> expected = List.of("last recipient", "your own key", "is not a recipient", "already a recipient", "does not allow");
        for (int i = 0; i < refused.size(); i++) {
            int at = i;
            HsmkitException e = assertThrows(HsmkitException.class, () -> rewrap(in, out, refused.get(at)));
            assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
            assertFalse(Files.exists(out), "no output after: " + e.getMessage());
        }
        // with the permission, removing your own key works and you lose access
        rewrap(in, out, b -> b.removeRecipient(cert(TestUser.ALICE_RSA2048)).allowRemovingOwnKey(true));
        assertFalse(opensslDecrypts(out, TestUser.ALICE_RSA2048));
        assertTrue(opensslDecrypts(out, TestUser.CAROL_P384));
    }

    @Test
    void alteredContentOrAForeignFileLeavesNoOutput() throws Exception {
        Path in = opensslEncrypt("tamper.p7m", "-aes-256-gcm", List.of(), TestUser.ALICE_RSA2048);
        byte[] bytes = Files.readAllBytes(in);
        bytes[bytes.length - 1000] ^= 1;
        Path bad = dir.resolve("tampered.p7m");
        Files.write(bad, bytes);
        Path out = dir.resolve("tampered.out.p7m");
        HsmkitException e = assertThrows(HsmkitException.class, () -> rewrap(bad, out, b -> b.addRecipient(cert(TestUser.CAROL_P384))));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertFalse(Files.exists(out));

        Path foreign = opensslEncrypt("foreign.p7m", "-aes-256-gcm", List.of(), TestUser.CAROL_P384);
        e = assertThrows(HsmkitException.class, () -> rewrap(foreign, out, b -> b.addRecipient(cert(TestUser.DAVE_P521))));
        assertEquals(ErrorKind.KEY, e.kind());
        assertFalse(Files.exists(out));
    }
}
