package org.hsmkit.core.internal.card;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * OpenSSL's {@code EVP_BytesToKey} with MD5, the password-to-key step of the DKEK share files of
 * {@code sc-hsm-tool} (and of {@code openssl enc} without {@code -pbkdf2}, which uses one
 * iteration). Each 16-byte block is {@code MD5^count(previous block ‖ password ‖ salt)}.
 *
 * <p>sc-hsm-tool uses ten million iterations, so the repeated hashing of one 16-byte digest is
 * done here with a single MD5 compression per round on plain {@code int}s: the same function as
 * {@link MessageDigest} (checked against it in the tests) at a fraction of the cost.
 */
public final class BytesToKey {
    private BytesToKey() {
    }

    /**
     * Derives {@code length} bytes (key followed by IV).
     *
     * @param salt 8 bytes
     * @param iterations at least 1
     */
    public static byte[] derive(byte[] password, byte[] salt, int iterations, int length) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations " + iterations);
        }
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int filled = 0;
        while (filled < length) {
            md5.update(block);
            md5.update(password);
            md5.update(salt);
            byte[] next = md5.digest();
            Arrays.fill(block, (byte) 0);
            block = iterate(next, iterations - 1);
            Arrays.fill(next, (byte) 0);
            int n = Math.min(block.length, length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        Arrays.fill(block, (byte) 0);
        return out;
    }

    /**
     * MD5 applied {@code rounds} times to a 16-byte digest: each round is one compression of a
     * single block holding the 16 bytes, the 0x80 pad byte and the bit length 128, unrolled with
     * the constant words folded in.
     */
    static byte[] iterate(byte[] digest, int rounds) {
        int m0 = le(digest, 0);
        int m1 = le(digest, 4);
        int m2 = le(digest, 8);
        int m3 = le(digest, 12);
        for (int r = 0; r < rounds; r++) {
            int a = 0x67452301;
            int b = 0xefcdab89;
            int c = 0x98badcfe;
            int d = 0x10325476;
            a = b + Integer.rotateLeft(a + ((b & c) | (~b & d)) + 0xd76aa478 + m0, 7);
            d = a + Integer.rotateLeft(d + ((a & b) | (~a & c)) + 0xe8c7b756 + m1, 12);
            c = d + Integer.rotateLeft(c + ((d & a) | (~d & b)) + 0x242070db + m2, 17);
            b = c + Integer.rotateLeft(b + ((c & d) | (~c & a)) + 0xc1bdceee + m3, 22);
            a = b + Integer.rotateLeft(a + ((b & c) | (~b & d)) + 0xf57c0faf + 0x80, 7);
            d = a + Integer.rotateLeft(d + ((a & b) | (~a & c)) + 0x4787c62a, 12);
            c = d + Integer.rotateLeft(c + ((d & a) | (~d & b)) + 0xa8304613, 17);
            b = c + Integer.rotateLeft(b + ((c & d) | (~c & a)) + 0xfd469501, 22);
            a = b + Integer.rotateLeft(a + ((b & c) | (~b & d)) + 0x698098d8, 7);
            d = a + Integer.rotateLeft(d + ((a & b) | (~a & c)) + 0x8b44f7af, 12);
            c = d + Integer.rotateLeft(c + ((d & a) | (~d & b)) + 0xffff5bb1, 17);
            b = c + Integer.rotateLeft(b + ((c & d) | (~c & a)) + 0x895cd7be, 22);
            a = b + Integer.rotateLeft(a + ((b & c) | (~b & d)) + 0x6b901122, 7);
            d = a + Integer.rotateLeft(d + ((a & b) | (~a & c)) + 0xfd987193, 12);
            c = d + Integer.rotateLeft(c + ((d & a) | (~d & b)) + 0xa679438e + 128, 17);
            b = c + Integer.rotateLeft(b + ((c & d) | (~c & a)) + 0x49b40821, 22);
            a = b + Integer.rotateLeft(a + ((d & b) | (~d & c)) + 0xf61e2562 + m1, 5);
            d = a + Integer.rotateLeft(d + ((c & a) | (~c & b)) + 0xc040b340, 9);
            c = d + Integer.rotateLeft(c + ((b & d) | (~b & a)) + 0x265e5a51, 14);
            b = c + Integer.rotateLeft(b + ((a & c) | (~a & d)) + 0xe9b6c7aa + m0, 20);
            a = b + Integer.rotateLeft(a + ((d & b) | (~d & c)) + 0xd62f105d, 5);
            d = a + Integer.rotateLeft(d + ((c & a) | (~c & b)) + 0x02441453, 9);
            c = d + Integer.rotateLeft(c + ((b & d) | (~b & a)) + 0xd8a1e681, 14);
            b = c + Integer.rotateLeft(b + ((a & c) | (~a & d)) + 0xe7d3fbc8 + 0x80, 20);
            a = b + Integer.rotateLeft(a + ((d & b) | (~d & c)) + 0x21e1cde6, 5);
            d = a + Integer.rotateLeft(d + ((c & a) | (~c & b)) + 0xc33707d6 + 128, 9);
            c = d + Integer.rotateLeft(c + ((b & d) | (~b & a)) + 0xf4d50d87 + m3, 14);
            b = c + Integer.rotateLeft(b + ((a & c) | (~a & d)) + 0x455a14ed, 20);
            a = b + Integer.rotateLeft(a + ((d & b) | (~d & c)) + 0xa9e3e905, 5);
            d = a + Integer.rotateLeft(d + ((c & a) | (~c & b)) + 0xfcefa3f8 + m2, 9);
            c = d + Integer.rotateLeft(c + ((b & d) | (~b & a)) + 0x676f02d9, 14);
            b = c + Integer.rotateLeft(b + ((a & c) | (~a & d)) + 0x8d2a4c8a, 20);
            a = b + Integer.rotateLeft(a + (b ^ c ^ d) + 0xfffa3942, 4);
            d = a + Integer.rotateLeft(d + (a ^ b ^ c) + 0x8771f681, 11);
            c = d + Integer.rotateLeft(c + (d ^ a ^ b) + 0x6d9d6122, 16);
            b = c + Integer.rotateLeft(b + (c ^ d ^ a) + 0xfde5380c + 128, 23);
            a = b + Integer.rotateLeft(a + (b ^ c ^ d) + 0xa4beea44 + m1, 4);
            d = a + Integer.rotateLeft(d + (a ^ b ^ c) + 0x4bdecfa9 + 0x80, 11);
            c = d + Integer.rotateLeft(c + (d ^ a ^ b) + 0xf6bb4b60, 16);
            b = c + Integer.rotateLeft(b + (c ^ d ^ a) + 0xbebfbc70, 23);
            a = b + Integer.rotateLeft(a + (b ^ c ^ d) + 0x289b7ec6, 4);
            d = a + Integer.rotateLeft(d + (a ^ b ^ c) + 0xeaa127fa + m0, 11);
            c = d + Integer.rotateLeft(c + (d ^ a ^ b) + 0xd4ef3085 + m3, 16);
            b = c + Integer.rotateLeft(b + (c ^ d ^ a) + 0x04881d05, 23);
            a = b + Integer.rotateLeft(a + (b ^ c ^ d) + 0xd9d4d039, 4);
            d = a + Integer.rotateLeft(d + (a ^ b ^ c) + 0xe6db99e5, 11);
            c = d + Integer.rotateLeft(c + (d ^ a ^ b) + 0x1fa27cf8, 16);
            b = c + Integer.rotateLeft(b + (c ^ d ^ a) + 0xc4ac5665 + m2, 23);
            a = b + Integer.rotateLeft(a + (c ^ (b | ~d)) + 0xf4292244 + m0, 6);
            d = a + Integer.rotateLeft(d + (b ^ (a | ~c)) + 0x432aff97, 10);
            c = d + Integer.rotateLeft(c + (a ^ (d | ~b)) + 0xab9423a7 + 128, 15);
            b = c + Integer.rotateLeft(b + (d ^ (c | ~a)) + 0xfc93a039, 21);
            a = b + Integer.rotateLeft(a + (c ^ (b | ~d)) + 0x655b59c3, 6);
            d = a + Integer.rotateLeft(d + (b ^ (a | ~c)) + 0x8f0ccc92 + m3, 10);
            c = d + Integer.rotateLeft(c + (a ^ (d | ~b)) + 0xffeff47d, 15);
            b = c + Integer.rotateLeft(b + (d ^ (c | ~a)) + 0x85845dd1 + m1, 21);
            a = b + Integer.rotateLeft(a + (c ^ (b | ~d)) + 0x6fa87e4f, 6);
            d = a + Integer.rotateLeft(d + (b ^ (a | ~c)) + 0xfe2ce6e0, 10);
            c = d + Integer.rotateLeft(c + (a ^ (d | ~b)) + 0xa3014314, 15);
            b = c + Integer.rotateLeft(b + (d ^ (c | ~a)) + 0x4e0811a1, 21);
            a = b + Integer.rotateLeft(a + (c ^ (b | ~d)) + 0xf7537e82 + 0x80, 6);
            d = a + Integer.rotateLeft(d + (b ^ (a | ~c)) + 0xbd3af235, 10);
            c = d + Integer.rotateLeft(c + (a ^ (d | ~b)) + 0x2ad7d2bb + m2, 15);
            b = c + Integer.rotateLeft(b + (d ^ (c | ~a)) + 0xeb86d391, 21);
            m0 = 0x67452301 + a;
            m1 = 0xefcdab89 + b;
            m2 = 0x98badcfe + c;
            m3 = 0x10325476 + d;
        }
        byte[] out = new byte[16];
        putLe(out, 0, m0);
        putLe(out, 4, m1);
        putLe(out, 8, m2);
        putLe(out, 12, m3);
        return out;
    }

    private static int le(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }

    private static void putLe(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }
}
