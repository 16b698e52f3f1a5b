package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JceGenericKey;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.core.internal.CipherWarmup;
import org.hsmkit.core.internal.Providers;

/**
 * AES-GCM content encryption for Bouncy Castle's AuthEnvelopedData stream generator, on the JDK's
 * AES (CPU AES and carry-less multiply instructions) with a reused buffer, on the writing thread.
 * One JDK GCM encryption gives both ciphertext and tag: measured, it runs as fast as AES-CTR plus
 * a GCM on a second thread (which computed AES twice), with half the CPU time. The trailing tag
 * is split off at the end. A fresh random key and 12-byte nonce per instance; 16-byte tag.
 */
public final class GcmOutputEncryptor implements OutputAEADEncryptor {
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Plaintext per cipher call once warmed up. */
    private static final int CHUNK = 1 << 16;

    private final AlgorithmIdentifier algorithm;
    private final SecretKey key;
    private final Cipher cipher;
    private byte[] mac;

    public GcmOutputEncryptor(ContentCipher contentCipher) {
        if (!contentCipher.isAuthenticated()) {
            throw new IllegalArgumentException(contentCipher + " is not GCM");
        }
        try {
            // what the JDK's AES KeyGenerator does, without looking one up among the providers per message
            byte[] raw = new byte[contentCipher.keyBytes()];
            RANDOM.nextBytes(raw);
            this.key = new SecretKeySpec(raw, "AES");
            Arrays.fill(raw, (byte) 0);
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            this.cipher = Providers.jdkCipher("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            this.algorithm = new AlgorithmIdentifier(contentCipher.oid(), new GCMParameters(nonce, TAG_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-GCM", e);
        }
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public GenericKey getKey() {
        return new JceGenericKey(algorithm, key);
    }

    @Override
    public OutputStream getAADStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                cipher.updateAAD(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                cipher.updateAAD(b, off, len);
            }
        };
    }

    @Override
    public byte[] getMAC() {
        if (mac == null) {
            throw new IllegalStateException("the content stream is not closed yet");
        }
        return mac.clone();
    }

    @Override
    public OutputStream getOutputStream(OutputStream out) {
        return new OutputStream() {
            /** Sized by the writes, up to CHUNK: a small content never allocates the full chunk. */
            private byte[] buf = new byte[0];
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    for (int o = 0; o < len; o += CHUNK) {
                        int n = Math.min(CHUNK, len - o);
                        if (buf.length < n + TAG_BYTES) {
                            buf = new byte[n + TAG_BYTES];
                        }
                        int m = CipherWarmup.update(cipher, b, off + o, n, buf, 0);
                        out.write(buf, 0, m);
                    }
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    byte[] last = cipher.doFinal();
                    out.write(last, 0, last.length - TAG_BYTES);
                    mac = Arrays.copyOfRange(last, last.length - TAG_BYTES, last.length);
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM failed: " + e.getMessage(), e);
                }
                out.flush(); // the generator closes the octet string itself, after this stream
            }
        };
    }
}
