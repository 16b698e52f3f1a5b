package org.hsmkit.core.internal.openpgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CFB through CBC gives the bytes of the JDK's own AES-CFB mode (zero IV, full-block feedback). */
class CfbEncryptionTest {
    private static final byte[] KEY = new byte[32];

    static {
        new Random(7).nextBytes(KEY);
    }

    private static byte[] jdkCfb(byte[] plain) throws Exception {
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
        cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(new byte[16]));
        return cfb.doFinal(plain);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Whole blocks in calls of {@code call} bytes, then the rest as the last part. */
    @ParameterizedTest(name = "{0} bytes in calls of {1}")
    @CsvSource({
        "0, 16", "1, 16", "15, 16", "16, 16", "17, 16", "31, 16", "32, 16", "33, 16",
        // the CBC output is made a slice (8 KiB) at a time
        "8191, 8192", "8192, 8192", "8193, 8192", "8208, 8192", "16384, 8192", "16399, 16384",
        "32767, 32768", "32768, 32768", "32769, 32768", "32784, 32768", "65536, 32768", "65553, 65536",
        "98320, 16", "1048576, 1048576", "1048598, 1048576", "1048598, 48",
    })
    void matchesTheJdksCfbMode(int length, int call) throws Exception {
        byte[] plain = random(length, length);
        byte[] out = new byte[length];
        CfbEncryption cfb = new CfbEncryption(KEY);
        int whole = length - length % 16;
        int done = 0;
        // the part given to encryptLast: the bytes after the last whole call
        while (whole - done >= call) {
            cfb.encryptBlocks(plain, done, call, out, done);
            done += call;
        }
        cfb.encryptLast(plain, done, length - done, out, done);
        assertArrayEquals(jdkCfb(plain), out);
    }

    @Test
    void encryptsInPlace() throws Exception {
        byte[] plain = random(40_000, 1);
        byte[] buffer = plain.clone();
        CfbEncryption cfb = new CfbEncryption(KEY);
        cfb.encryptBlocks(buffer, 0, 32_768 + 16, buffer, 0);
        cfb.encryptLast(buffer, 32_768 + 16, buffer.length - 32_768 - 16, buffer, 32_768 + 16);
        assertArrayEquals(jdkCfb(plain), buffer);
    }

    @Test
    void refusesPartBlocksBeforeTheLastAndAnythingAfterIt() {
        CfbEncryption cfb = new CfbEncryption(KEY);
        byte[] b = new byte[64];
        assertThrows(IllegalStateException.class, () -> cfb.encryptBlocks(b, 0, 17, b, 0));
        cfb.encryptLast(b, 0, 5, b, 0);
        assertThrows(IllegalStateException.class, () -> cfb.encryptBlocks(b, 0, 16, b, 0));
        assertThrows(IllegalStateException.class, () -> cfb.encryptLast(b, 0, 0, b, 0));
    }
}
