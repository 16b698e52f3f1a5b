package org.hsmkit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Collections;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.hsmkit.core.internal.openpgp.CfbMdcInputStream;
import org.hsmkit.core.internal.openpgp.Seipd1OutputStream;

/**
 * The bulk-data loops of hsmkit, one per run, for {@link CompilerDirectivesTest}: a JVM runs one of
 * them over enough data for the JIT to compile its loop, and the test reads which intrinsics the
 * compiler used.
 */
public final class BulkLoops {
    private static final int MIB = 1 << 20;
    /**
     * Calls of 4 KiB: the JIT swaps in an intrinsic where it compiles the caller with C2, which
     * takes some thousands of calls (the {@code -Xbatch} run then waits for the compiler).
     */
    private static final int CALLS = 20_000;
    private static final int CALL = 4096;
    /** Through hsmkit's streams, which call the JDK in 32 KiB slices of 1 MiB chunks. */
    private static final int STREAM_MIB = 192;

    private BulkLoops() {
    }

    public static void main(String[] args) throws Exception {
        byte[] key = new byte[32];
        byte[] data = new byte[MIB];
        new SecureRandom().nextBytes(data);
        switch (args[0]) {
            case "seipd1-encrypt" -> {
                try (OutputStream out = new Seipd1OutputStream(OutputStream.nullOutputStream(), key, new SecureRandom())) {
                    for (int i = 0; i < STREAM_MIB; i++) {
                        out.write(data);
                    }
                }
            }
            case "seipd1-decrypt" -> {
                // random bytes as ciphertext: the keystream and XOR run over all of it, the MDC then fails
                InputStream ciphertext = new SequenceInputStream(Collections.enumeration(
                        Collections.nCopies(STREAM_MIB, data).stream().map(ByteArrayInputStream::new).toList()));
                try (CfbMdcInputStream in = new CfbMdcInputStream(ciphertext, key)) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (org.hsmkit.core.internal.openpgp.AuthenticatedPlaintext.Mismatch expected) {
                    // what random data gets
                }
            }
            // CMS content: GCM encryption; GCM decryption's keystream (CTR); CBC decryption
            case "gcm-encrypt" -> jdkCipher("AES/GCM/NoPadding", Cipher.ENCRYPT_MODE, new GCMParameterSpec(128, new byte[12]), data);
            case "ctr" -> jdkCipher("AES/CTR/NoPadding", Cipher.ENCRYPT_MODE, new IvParameterSpec(new byte[16]), data);
            case "cbc-decrypt" -> jdkCipher("AES/CBC/NoPadding", Cipher.DECRYPT_MODE, new IvParameterSpec(new byte[16]), data);
            case "sha1", "sha256" -> {
                MessageDigest md = MessageDigest.getInstance(args[0].equals("sha1") ? "SHA-1" : "SHA-256");
                for (int i = 0; i < CALLS; i++) {
                    md.update(data, (i * CALL) % MIB, CALL);
                }
                md.digest();
            }
            default -> throw new IOException("no loop named " + args[0]);
        }
    }

    /** The JDK cipher over the data, as hsmkit's CMS streams call it. */
    private static void jdkCipher(String transformation, int mode, AlgorithmParameterSpec params, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance(transformation, "SunJCE");
        cipher.init(mode, new SecretKeySpec(new byte[32], "AES"), params);
        byte[] out = new byte[2 * CALL];
        for (int i = 0; i < CALLS; i++) {
            cipher.update(data, (i * CALL) % MIB, CALL, out, 0);
        }
    }
}
