package org.hsmkit.core.card;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.BytesToKey;

/**
 * One share of a SmartCard-HSM Device Key Encryption Key (DKEK): 32 secret bytes. The device's DKEK
 * is the exclusive or of all its shares; keys wrapped under it can be restored on any device that
 * was given the same shares.
 *
 * <p>A share travels as the 64-byte file of {@code sc-hsm-tool --create-dkek-share}:
 * {@code "Salted__"}, an 8-byte salt, and the share with its PKCS#7 padding encrypted with
 * AES-256-CBC under a key and IV derived from the password by OpenSSL's {@code EVP_BytesToKey}
 * with MD5 and ten million iterations. Files made here open in sc-hsm-tool and the other way round.
 *
 * <p>Close the share when done: the secret bytes are cleared.
 */
public final class DkekShare implements AutoCloseable {
    /** Length of a share in bytes. */
    public static final int LENGTH = 32;
    /** Length of a share file in bytes. */
    public static final int FILE_LENGTH = 64;
    /** The iteration count sc-hsm-tool uses, and the one files need to open there. */
    public static final int ITERATIONS = 10_000_000;

    private static final byte[] MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);

    private final byte[] value;

    private DkekShare(byte[] value) {
        this.value = value;
    }

    /** A share from its 32 bytes (copied; clear yours). */
    public static DkekShare of(byte[] value) {
        if (value.length != LENGTH) {
            throw new IllegalArgumentException("a DKEK share has " + LENGTH + " bytes, not " + value.length);
        }
        return new DkekShare(value.clone());
    }

    /** A new random share from {@code random} (callers mix in the device's generator where there is one). */
    public static DkekShare random(SecureRandom random) {
        byte[] v = new byte[LENGTH];
        random.nextBytes(v);
        return new DkekShare(v);
    }

    /** The share bytes; a copy the caller clears. */
    public byte[] value() {
        return value.clone();
    }

    /**
     * The key check value this share gives as the only share of a DKEK: the first 8 bytes of its
     * SHA-256 hash, as the device reports it.
     */
    public byte[] keyCheckValue() {
        return keyCheckValue(value);
    }

    /** The first 8 bytes of SHA-256 over a DKEK. */
    static byte[] keyCheckValue(byte[] dkek) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(dkek), 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The share file, encrypted under a text password (its UTF-8 bytes, as sc-hsm-tool reads it from a terminal). */
    public byte[] encrypt(char[] password, SecureRandom random) {
        byte[] pwd = utf8(password);
        try {
            return encrypt(pwd, random, ITERATIONS);
        } finally {
            Arrays.fill(pwd, (byte) 0);
        }
    }

    /** The share file, encrypted under a binary password (the n-of-m form makes one). */
    public byte[] encrypt(byte[] password, SecureRandom random) {
        return encrypt(password, random, ITERATIONS);
    }

    /** As {@link #encrypt(byte[], SecureRandom)} with another iteration count (tests against {@code openssl enc}). */
    byte[] encrypt(byte[] password, SecureRandom random, int iterations) {
        byte[] salt = new byte[8];
        random.nextBytes(salt);
        byte[] keyIv = BytesToKey.derive(password, salt, iterations, 48);
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
            byte[] body = aes.doFinal(value);
            ByteBuffer file = ByteBuffer.allocate(FILE_LENGTH);
            file.put(MAGIC).put(salt).put(body);
            return file.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(keyIv, (byte) 0);
        }
    }

    /**
     * Opens a share file with a text password.
     *
     * @throws HsmkitException INPUT when the bytes are not a share file, KEY when the password is wrong
     */
    public static DkekShare decrypt(byte[] file, char[] password) {
        byte[] pwd = utf8(password);
        try {
            return decrypt(file, pwd, ITERATIONS);
        } finally {
            Arrays.fill(pwd, (byte) 0);
        }
    }

    /** Opens a share file with a binary password (one put together from n-of-m parts). */
    public static DkekShare decrypt(byte[] file, byte[] password) {
        return decrypt(file, password, ITERATIONS);
    }

    /** Checks that {@code file} looks like a share file, before any password is asked for. */
    public static void checkFormat(byte[] file) {
        if (file.length != FILE_LENGTH || !Arrays.equals(MAGIC, Arrays.copyOf(file, 8))) {
            throw HsmkitException.input("not a DKEK share file: " + (file.length != FILE_LENGTH
                    ? "it has " + file.length + " bytes, a share file has " + FILE_LENGTH
                    : "it does not start with \"Salted__\""),
                    "use a file made by 'hsmkit card dkek create' or 'sc-hsm-tool --create-dkek-share'");
        }
    }

    static DkekShare decrypt(byte[] file, byte[] password, int iterations) {
        checkFormat(file);
        byte[] salt = Arrays.copyOfRange(file, 8, 16);
        byte[] keyIv = BytesToKey.derive(password, salt, iterations, 48);
        byte[] plain = null;
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
            plain = aes.doFinal(file, 16, 48);
            // the 32-byte share is followed by one whole block of padding (16 bytes of 0x10): checking
            // all of it, not only the last byte, tells a wrong password with certainty
            int bad = 0;
            for (int i = LENGTH; i < plain.length; i++) {
                bad |= plain[i] ^ 0x10;
            }
            if (bad != 0) {
                throw HsmkitException.key("the password does not open the DKEK share file",
                        "check the password (for an n-of-m password: the prime and every part)");
            }
            return new DkekShare(Arrays.copyOf(plain, LENGTH));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(keyIv, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = Arrays.copyOf(b.array(), b.limit());
        Arrays.fill(b.array(), (byte) 0);
        return out;
    }

    @Override
    public void close() {
        Arrays.fill(value, (byte) 0);
    }

    @Override
    public String toString() {
        return "DKEK share";
    }
}
