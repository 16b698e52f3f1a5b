package org.hsmkit.core.openpgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Signed and encrypted messages (gpg --sign --encrypt): hsmkit signs inside the encryption with a
 * token key, and with a keyring to check against it releases a decrypted message only when the
 * message is signed and every signature inside verifies: an unsigned message, a signer outside the
 * keyring and an altered signature all fail with nothing written.
 */
class PgpSignedMessageTest {
    /** The signer's and the encryptor's buffers are 64 KiB. */
    private static final int CHUNK = 1 << 16;

    @TempDir
    Path dir;

    private static byte[] signAndEncrypt(byte[] plain, boolean v1, TestUser signer, TestUser to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor enc = PgpEncryptor.to(List.of(PgpTestKeys.certificate(to))).seipdV1Only(v1).signedBy(PgpTestKeys.key(signer))
                .fileName("notes.txt").build();
        assertEquals(PgpTestKeys.key(signer).signingFingerprint(), enc.signingKey().orElseThrow());
        enc.encrypt(new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    private static PgpVerifier trusting(TestUser... users) {
        return PgpVerifier.trusting(java.util.Arrays.stream(users).map(PgpTestKeys::certificate).toList());
    }

    private PgpDecryptor.Decryption decrypt(byte[] message, TestUser recipient, PgpVerifier verifier, Path target) throws Exception {
        PgpDecryptor d = PgpDecryptor.withKey(PgpTestKeys.key(recipient));
        try (InputStream in = new ByteArrayInputStream(message); AtomicOutput out = AtomicOutput.toFile(target, false)) {
            return (verifier == null ? d : d.checkingSignatures(verifier)).decrypt(in, out);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "0, true", "1, true", "65535, true", "65536, true", "65537, false", "0, false", "1, false", "300000, false"})
    void aSignedMessageDecryptsWithItsSignatureVerifiedAtTheBufferBoundaries(int size, boolean v1) throws Exception {
        byte[] plain = PgpMessageTest.random(size, size);
        byte[] msg = signAndEncrypt(plain, v1, TestUser.ALICE_RSA2048, TestUser.BOB_P256);
        Path target = dir.resolve("out-" + size + v1);
        PgpDecryptor.Decryption d = decrypt(msg, TestUser.BOB_P256, trusting(TestUser.ALICE_RSA2048), target);
        assertArrayEquals(plain, Files.readAllBytes(target));
        assertEquals(v1 ? PacketFormat.SEIPD_V1 : PacketFormat.SEIPD_V2, d.format());
        assertEquals(1, d.signatures().size());
        VerifiedSignature s = d.signatures().get(0);
        assertEquals(PgpTestKeys.certificate(TestUser.ALICE_RSA2048).fingerprint(), s.certificateFingerprint());
        assertEquals("notes.txt", d.fileName());
    }

    @Test
    void everyKeyTypeSignsInsideAndIsVerified() throws Exception {
        byte[] plain = PgpMessageTest.random(CHUNK + 1, 3);
        for (TestUser signer : PgpTestKeys.users()) {
            Path target = dir.resolve("by-" + signer.fileName());
            PgpDecryptor.Decryption d = decrypt(signAndEncrypt(plain, false, signer, TestUser.CAROL_P384), TestUser.CAROL_P384,
                    trusting(TestUser.BOB_P256, signer), target);
            assertArrayEquals(plain, Files.readAllBytes(target));
            assertEquals(PgpTestKeys.certificate(signer).fingerprint(), d.signatures().get(0).certificateFingerprint(), signer.name());
        }
    }

    @Test
    void withoutAKeyringTheSignerIsNamedButNothingIsChecked() throws Exception {
        byte[] msg = signAndEncrypt(new byte[] {1, 2, 3}, true, TestUser.DAVE_P521, TestUser.BOB_P256);
        PgpDecryptor.Decryption d = decrypt(msg, TestUser.BOB_P256, null, dir.resolve("out"));
        assertEquals(List.of(PgpTestKeys.certificate(TestUser.DAVE_P521).keyId()), d.signerKeyIds());
        assertTrue(d.signatures().isEmpty());
    }

    @Test
    void aSignerOutsideTheKeyringIsRefusedWithNothingWritten() throws Exception {
        byte[] msg = signAndEncrypt(PgpMessageTest.random(5000, 4), false, TestUser.DAVE_P521, TestUser.BOB_P256);
        Path target = dir.resolve("out");
        HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(msg, TestUser.BOB_P256, trusting(TestUser.ALICE_RSA2048), target));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertNothingIn(target);
    }

    @Test
    void anUnsignedMessageIsRefusedWhenASignatureIsRequired() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(List.of(PgpTestKeys.certificate(TestUser.BOB_P256))).build().encrypt(new ByteArrayInputStream(new byte[10]), out);
        Path target = dir.resolve("out");
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> decrypt(out.toByteArray(), TestUser.BOB_P256, trusting(TestUser.BOB_P256), target));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        assertTrue(e.hint().orElseThrow().contains("--keyring"), e.hint().toString());
        assertNothingIn(target);
    }

    /**
     * The signed packets are altered before they are encrypted, so the integrity check passes and
     * only the signature check can catch it: a bit of the data, and a bit of the signature value.
     */
    @Test
    void anAlteredSignatureOrSignedDataInsideAnIntactEncryptionIsRefused() throws Exception {
        byte[] plain = "pay 100 to Bob\n".getBytes();
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        PgpSigner.with(PgpTestKeys.key(TestUser.ALICE_RSA2048)).mode(SignatureMode.INLINE).build().sign(new ByteArrayInputStream(plain), signed);
        byte[] packets = signed.toByteArray();
        int data = PgpMessageTest.indexOf(packets, "100".getBytes());
        for (int at : new int[] {data, packets.length - 5}) {
            byte[] altered = packets.clone();
            altered[at] ^= 0x01;
            byte[] msg = PgpMessageTest.encryptWithBc(PgpTestKeys.certificate(TestUser.BOB_P256), org.bouncycastle.bcpg.AEADAlgorithmTags.OCB,
                    10, e -> e.write(altered));
            Path target = dir.resolve("out-" + at);
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> decrypt(msg, TestUser.BOB_P256, trusting(TestUser.ALICE_RSA2048), target));
            assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("BAD signature"), e.getMessage());
            assertNothingIn(target);
            // the same message, intact but for the signature, still decrypts without a keyring
            decrypt(msg, TestUser.BOB_P256, null, dir.resolve("unchecked-" + at));
        }
    }

    private void assertNothingIn(Path target) throws Exception {
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".partial")).count());
        }
    }
}
