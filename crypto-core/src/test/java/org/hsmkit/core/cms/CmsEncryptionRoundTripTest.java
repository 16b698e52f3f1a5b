package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.util.encoders.Hex;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.internal.CipherWarmup;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Streaming encryption and decryption of whole files: sizes, ciphers, armor, and integrity. */
class CmsEncryptionRoundTripTest {
    /** The stream chunk of the encryptor and decryptor. */
    static final int CHUNK = 1 << 16;
    /** Content below this size is encrypted with small buffers; at it and above, with CHUNK-sized ones. */
    static final int SMALL = 8192;
    static final int[] SIZES = {0, 1, 15, 16, 17, SMALL - 1, SMALL, SMALL + 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5,
        5 * 1024 * 1024 + 3};

    @TempDir
    Path dir;

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<Arguments> sizesAndCiphers() {
        List<Arguments> out = new ArrayList<>();
        for (int s : SIZES) {
            for (ContentCipher c : List.of(ContentCipher.AES256_GCM, ContentCipher.AES256_CBC, ContentCipher.AES128_CBC)) {
                out.add(Arguments.of(s, c, s % 2 == 0));
            }
        }
        return out;
    }

    byte[] encrypt(byte[] plain, ContentCipher cipher, boolean armor, TestUser... users) {
        RecipientSet.Builder b = RecipientSet.builder();
        for (TestUser u : users) {
            b.add(RecipientSetTest.key(u).certificate().get());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsEncryptor.to(b.build()).cipher(cipher).armor(armor).build().encrypt(new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    CmsDecryptor.Decryption decrypt(byte[] file, TestUser user, Path target) {
        SoftKey key = RecipientSetTest.key(user);
        try (AtomicOutput out = AtomicOutput.toFile(target, true)) {
            return CmsDecryptor.withKey(key).decrypt(new ByteArrayInputStream(file), out);
        }
    }

    @Test
    void oneEncryptorSharedByThreadsGivesEveryMessageItsOwnKeyAndEphemeralKey() throws Exception {
        RecipientSet rs = RecipientSet.builder()
                .add(RecipientSetTest.key(TestUser.ALICE_RSA2048).certificate().get())
                .add(RecipientSetTest.key(TestUser.BOB_P256).certificate().get())
                .build();
        CmsEncryptor encryptor = CmsEncryptor.to(rs).build();
        int messages = 16;
        List<Future<byte[]>> files = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < messages; i++) {
                byte[] plain = random(4096, i);
                files.add(pool.submit(() -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    encryptor.encrypt(new ByteArrayInputStream(plain), out);
                    return out.toByteArray();
                }));
            }
        } finally {
            pool.shutdown();
        }
        Set<String> wrappedKeys = new HashSet<>();
        Set<String> ephemeralKeys = new HashSet<>();
        for (int i = 0; i < messages; i++) {
            byte[] file = files.get(i).get();
            for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.BOB_P256)) {
                Path target = dir.resolve("out-" + i + "-" + u);
                decrypt(file, u, target);
                assertArrayEquals(random(4096, i), Files.readAllBytes(target));
            }
            AuthEnvelopedData env = AuthEnvelopedData.getInstance(
                    ContentInfo.getInstance(file).getContent());
            for (ASN1Encodable r : env.getRecipientInfos()) {
                RecipientInfo ri = RecipientInfo.getInstance(r);
                if (ri.getInfo() instanceof KeyTransRecipientInfo kt) {
                    wrappedKeys.add(Hex.toHexString(kt.getEncryptedKey().getOctets()));
                } else {
                    KeyAgreeRecipientInfo ka = (KeyAgreeRecipientInfo) ri.getInfo();
                    ephemeralKeys.add(Hex.toHexString(ka.getOriginator().getEncoded()));
                }
            }
        }
        assertEquals(messages, wrappedKeys.size(), "each message's content key is wrapped anew for the RSA recipient");
        assertEquals(messages, ephemeralKeys.size(), "each message has its own ephemeral key for the EC recipient");
    }

    @ParameterizedTest(name = "{0} bytes, {1}, armor {2}")
    @MethodSource("sizesAndCiphers")
    void everySizeRoundTrips(int size, ContentCipher cipher, boolean armor) throws Exception {
        byte[] plain = random(size, size);
        byte[] file = encrypt(plain, cipher, armor, TestUser.ALICE_RSA2048, TestUser.BOB_P256);
        Path target = dir.resolve("out");
        CmsDecryptor.Decryption d = decrypt(file, TestUser.BOB_P256, target);
        assertArrayEquals(plain, Files.readAllBytes(target));
        assertEquals(cipher, d.cipher());
        assertEquals(cipher.isAuthenticated(), d.authenticated());
        assertEquals(size, d.plaintextBytes());
    }

    /** Only the ciphers read for old files are refused for writing, before any output exists. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(ContentCipher.class)
    void everyCipherButTheLegacyOneCanBeWritten(ContentCipher cipher) {
        CmsEncryptor.Builder b = CmsEncryptor.to(RecipientSet.builder().add(RecipientSetTest.key(TestUser.ALICE_RSA2048).certificate().get()).build());
        if (cipher.isWritable()) {
            assertEquals(cipher, b.cipher(cipher).build().cipher());
        } else {
            org.hsmkit.core.HsmkitException e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class,
                    () -> b.cipher(cipher));
            assertEquals(org.hsmkit.core.ErrorKind.USAGE, e.kind());
            assertTrue(e.getMessage().contains(cipher.spec()) && e.getMessage().contains("does not write it"), e.getMessage());
        }
    }

    @Test
    void bouncyCastleReadsWhatHsmkitWrites() throws Exception {
        byte[] plain = random(1000, 1);
        byte[] gcm = encrypt(plain, ContentCipher.AES256_GCM, false, TestUser.CAROL_P384);
        CMSAuthEnvelopedData ad = new CMSAuthEnvelopedData(gcm);
        TokenRecipient.Selected s = TokenRecipient.select(ad.getRecipientInfos(), List.of(RecipientSetTest.key(TestUser.CAROL_P384)));
        assertArrayEquals(plain, s.information().getContent(s.recipient().recipient(s.information(), true)));
        byte[] cbc = encrypt(plain, ContentCipher.AES128_CBC, false, TestUser.AMY_RSA4096);
        CMSEnvelopedData ed = new CMSEnvelopedData(cbc);
        s = TokenRecipient.select(ed.getRecipientInfos(), List.of(RecipientSetTest.key(TestUser.AMY_RSA4096)));
        assertArrayEquals(plain, s.information().getContent(s.recipient().recipient(s.information(), false)));
    }

    @Test
    void gcmPastTheJitWarmUpSlicesIsReadByBouncyCastleAndHsmkit() throws Exception {
        // the encryptor feeds the cipher small slices over the first WARMUP_BYTES, whole chunks after
        byte[] plain = random(CipherWarmup.WARMUP_BYTES + CHUNK + 17, 3);
        byte[] gcm = encrypt(plain, ContentCipher.AES256_GCM, false, TestUser.CAROL_P384);
        CMSAuthEnvelopedData ad = new CMSAuthEnvelopedData(gcm);
        TokenRecipient.Selected s = TokenRecipient.select(ad.getRecipientInfos(), List.of(RecipientSetTest.key(TestUser.CAROL_P384)));
        assertArrayEquals(plain, s.information().getContent(s.recipient().recipient(s.information(), true)));
        Path target = dir.resolve("big");
        decrypt(gcm, TestUser.CAROL_P384, target);
        assertArrayEquals(plain, Files.readAllBytes(target));
    }

    @Test
    void everyFlippedBitFromTheContentOnIsRejectedAndNothingIsWritten() {
        byte[] plain = random(100, 2);
        byte[] file = encrypt(plain, ContentCipher.AES256_GCM, false, TestUser.ALICE_RSA2048);
        Path target = dir.resolve("flipped");
        // every bit of the last 150 bytes: ciphertext, tag and the structure around them
        for (int i = file.length - 150; i < file.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = file.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(bad, TestUser.ALICE_RSA2048, target),
                        "byte " + at + " bit " + bit);
                assertTrue(e.kind() == ErrorKind.VERIFICATION_FAILED || e.kind() == ErrorKind.INPUT, e.kind() + " " + e.getMessage());
                assertFalse(Files.exists(target));
            }
        }
    }

    @Test
    void everyTruncationIsRejectedAndNothingIsWritten() {
        for (ContentCipher c : List.of(ContentCipher.AES256_GCM, ContentCipher.AES256_CBC)) {
            byte[] file = encrypt(random(40, 3), c, false, TestUser.BOB_P256);
            Path target = dir.resolve("truncated");
            for (int len = 0; len < file.length; len++) {
                byte[] bad = java.util.Arrays.copyOf(file, len);
                assertThrows(HsmkitException.class, () -> decrypt(bad, TestUser.BOB_P256, target), c + " length " + len);
                assertFalse(Files.exists(target));
            }
        }
    }

    @Test
    void aWrongKeyIsToldWhichRecipientsTheFileHas() {
        byte[] file = encrypt(random(10, 4), ContentCipher.AES256_GCM, false, TestUser.ALICE_RSA2048);
        HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(file, TestUser.BOB_P256, dir.resolve("x")));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("serial"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void pkcs1AndOaepBothDecrypt() throws Exception {
        for (RsaPadding p : List.of(RsaPadding.PKCS1, RsaPadding.OAEP_SHA256, RsaPadding.OAEP_SHA1, RsaPadding.OAEP_SHA512)) {
            byte[] plain = random(77, 5);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CmsEncryptor.to(RecipientSet.builder().add(RecipientSetTest.key(TestUser.ANDY_RSA3072)).build()).rsaPadding(p).build()
                    .encrypt(new ByteArrayInputStream(plain), out);
            Path target = dir.resolve("p-" + p);
            decrypt(out.toByteArray(), TestUser.ANDY_RSA3072, target);
            assertArrayEquals(plain, Files.readAllBytes(target));
        }
    }

    @Test
    void authenticatedAttributesAreCoveredByTheTag() throws Exception {
        byte[] plain = random(70_000, 6);
        // Bouncy Castle's GCM takes the attributes (the AAD) after the content, as this generator needs
        org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator g = new org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator();
        RecipientSet.builder().add(RecipientSetTest.key(TestUser.ALICE_RSA2048)).build()
                .generators(ContentCipher.AES256_GCM, RsaPadding.OAEP_SHA256).forEach(g::addRecipientInfoGenerator);
        org.bouncycastle.asn1.cms.Attribute attr = new org.bouncycastle.asn1.cms.Attribute(
                org.bouncycastle.asn1.cms.CMSAttributes.contentType, new org.bouncycastle.asn1.DERSet(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data));
        g.setAuthenticatedAttributeGenerator(new org.bouncycastle.cms.SimpleAttributeTableGenerator(
                new org.bouncycastle.asn1.cms.AttributeTable(attr)));
        byte[] file = g.generate(new org.bouncycastle.cms.CMSProcessableByteArray(plain),
                (org.bouncycastle.operator.OutputAEADEncryptor) new org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder(
                        ContentCipher.AES256_GCM.oid()).setProvider(org.hsmkit.core.internal.Providers.bc()).build()).getEncoded();
        Path target = dir.resolve("with-attrs");
        decrypt(file, TestUser.ALICE_RSA2048, target);
        assertArrayEquals(plain, Files.readAllBytes(target));
        // the attributes come after the content: altering them must still fail the tag
        byte[] bad = file.clone();
        int at = FileLayout.lastIndexOf(bad, org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data.getEncoded());
        bad[at + 10] ^= 1;
        Path badTarget = dir.resolve("with-bad-attrs");
        HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(bad, TestUser.ALICE_RSA2048, badTarget));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
        assertFalse(Files.exists(badTarget));
    }

    /** Byte search in test files. */
    static final class FileLayout {
        static int lastIndexOf(byte[] hay, byte[] needle) {
            for (int i = hay.length - needle.length; i >= 0; i--) {
                if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                    return i;
                }
            }
            throw new AssertionError("not found");
        }
    }
}
