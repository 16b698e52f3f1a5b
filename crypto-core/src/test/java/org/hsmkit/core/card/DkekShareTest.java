package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DKEK share file format against {@code openssl enc}: with one iteration of its key derivation
 * (what {@code openssl enc -md md5} without {@code -pbkdf2} uses) a share file is exactly an
 * {@code openssl enc -aes-256-cbc} file of the 32 share bytes. The ten-million-iteration files of
 * sc-hsm-tool are checked against sc-hsm-tool itself on the simulated card.
 */
class DkekShareTest {
    private static final byte[] SHARE = HexFormat.of().parseHex(
            "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");

    @TempDir
    Path tmp;

    /** A random source that replays fixed bytes, so the salt is known. */
    private static SecureRandom fixed(byte[] bytes) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(bytes, 0, out, 0, out.length);
            }
        };
    }

    private Path openssl(String... args) {
        ExternalTool.require("openssl", "openssl");
        return tmp;
    }

    @Test
    void aShareFileWithOneIterationIsWhatOpensslEncWrites() throws Exception {
        openssl();
        byte[] salt = HexFormat.of().parseHex("0102030405060708");
        Files.write(tmp.resolve("share.bin"), SHARE);
        ExternalTool.run(tmp, null, Map.of(), List.of("openssl", "enc", "-aes-256-cbc", "-md", "md5", "-S", "0102030405060708",
                "-pass", "pass:correct horse", "-in", "share.bin", "-out", "share.enc")).requireSuccess();
        byte[] fromOpenssl = Files.readAllBytes(tmp.resolve("share.enc"));

        byte[] ours;
        try (DkekShare s = DkekShare.of(SHARE)) {
            ours = s.encrypt("correct horse".getBytes(StandardCharsets.UTF_8), fixed(salt), 1);
        }
        assertEquals(DkekShare.FILE_LENGTH, ours.length);
        // OpenSSL 3 leaves the "Salted__" header out when the salt is given with -S
        if (fromOpenssl.length == 48) {
            byte[] header = new byte[16];
            System.arraycopy("Salted__".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 8);
            System.arraycopy(salt, 0, header, 8, 8);
            fromOpenssl = java.nio.ByteBuffer.allocate(64).put(header).put(fromOpenssl).array();
        }
        assertArrayEquals(fromOpenssl, ours);
    }

    @Test
    void opensslDecryptsWhatWeWriteAndWeReadWhatOpensslWrites() throws Exception {
        openssl();
        byte[] file;
        try (DkekShare s = DkekShare.of(SHARE)) {
            file = s.encrypt("pässwort".getBytes(StandardCharsets.UTF_8), new SecureRandom(), 1);
        }
        Files.write(tmp.resolve("ours.enc"), file);
        ExternalTool.Result dec = ExternalTool.run(tmp, null, Map.of(), List.of("openssl", "enc", "-d", "-aes-256-cbc",
                "-md", "md5", "-pass", "pass:pässwort", "-in", "ours.enc")).requireSuccess();
        assertArrayEquals(SHARE, dec.stdout());

        Files.write(tmp.resolve("plain.bin"), SHARE);
        ExternalTool.run(tmp, null, Map.of(), List.of("openssl", "enc", "-aes-256-cbc", "-md", "md5",
                "-pass", "pass:other", "-in", "plain.bin", "-out", "theirs.enc")).requireSuccess();
        try (DkekShare back = DkekShare.decrypt(Files.readAllBytes(tmp.resolve("theirs.enc")),
                "other".getBytes(StandardCharsets.UTF_8), 1)) {
            assertArrayEquals(SHARE, back.value());
        }
    }

    @Test
    void aWrongPasswordIsAKeyErrorNotAWrongShare() {
        byte[] file;
        try (DkekShare s = DkekShare.of(SHARE)) {
            file = s.encrypt("right".getBytes(StandardCharsets.UTF_8), new SecureRandom(), 1);
        }
        // many wrong passwords: each must be refused (a last-byte-only padding check lets ~1 in 256 through)
        for (int i = 0; i < 300; i++) {
            byte[] wrong = ("wrong" + i).getBytes(StandardCharsets.UTF_8);
            HsmkitException e = assertThrows(HsmkitException.class, () -> DkekShare.decrypt(file, wrong, 1));
            assertEquals(ErrorKind.KEY, e.kind());
        }
    }

    @Test
    void filesOfAnotherLengthOrWithoutTheMagicAreRefusedBeforeAnyPassword() {
        for (int length : new int[] {0, 1, 63, 65, 128}) {
            byte[] file = new byte[length];
            if (length >= 8) {
                System.arraycopy("Salted__".getBytes(StandardCharsets.US_ASCII), 0, file, 0, 8);
            }
            HsmkitException e = assertThrows(HsmkitException.class, () -> DkekShare.checkFormat(file));
            assertEquals(ErrorKind.INPUT, e.kind());
            assertTrue(e.getMessage().contains(length + " bytes"), e.getMessage());
        }
        byte[] noMagic = new byte[64];
        HsmkitException e = assertThrows(HsmkitException.class, () -> DkekShare.checkFormat(noMagic));
        assertTrue(e.getMessage().contains("Salted__"), e.getMessage());
    }

    @Test
    void theKeyCheckValueIsTheStartOfTheSha256OfTheShare() throws Exception {
        try (DkekShare s = DkekShare.of(SHARE)) {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(SHARE);
            assertArrayEquals(Arrays.copyOf(sha, 8), s.keyCheckValue());
        }
    }

    @Test
    void closingClearsTheShare() {
        DkekShare s = DkekShare.of(SHARE);
        s.close();
        assertArrayEquals(new byte[32], s.value());
    }
}
