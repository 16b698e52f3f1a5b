package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.core.internal.CipherWarmup;
import org.hsmkit.core.internal.Providers;

/**
 * Decrypts CMS content as a stream with the JDK's AES (hardware-accelerated where the CPU has it),
 * or 3DES for old files.
 *
 * <p>GCM without buffering and without trusting anything early: the plaintext is recovered with
 * AES-CTR starting at counter J0+1 (the GCM keystream), and the tag is recomputed by a GCM
 * <em>encryption</em> of the recovered plaintext under the same key and nonce — that encryption
 * reproduces the ciphertext, so its tag is the tag of the ciphertext. The tags are compared in
 * constant time at the end; the caller releases the plaintext only when {@link #verify} passes.
 * The tag computation and the writing run on a second thread, fed the plaintext buffers in order. (The
 * JDK's GCM decryption would hold the whole ciphertext in memory; Bouncy Castle's streams
 * unverified plaintext and is several times slower.)
 */
public final class ContentDecryption {
    private static final int CHUNK = 1 << 20;
    /** Content below this size is decrypted without the tag thread. */
    static final int SMALL = 1 << 16;
    /** Per stream here: the tag thread is handed the slice size (see {@link CipherWarmup}). */
    private static final int WARMUP_BYTES = CipherWarmup.WARMUP_BYTES;
    private static final int WARMUP_SLICE = CipherWarmup.WARMUP_SLICE;

    private final ContentCipher cipher;
    private final SecretKeySpec key;
    private final byte[] nonce;
    private final int tagBytes;
    private final Cipher stream;
    private final Cipher tagger;

    private ContentDecryption(ContentCipher cipher, byte[] key, AlgorithmIdentifier alg) throws GeneralSecurityException {
        this.cipher = cipher;
        if (key.length != cipher.keyBytes()) {
            throw HsmkitException.verification("the recovered content key has the wrong length for " + cipher.spec(),
                    "the file is damaged, or was made for another key");
        }
        this.key = new SecretKeySpec(key, cipher.blockCipher());
        if (cipher.isAuthenticated()) {
            GCMParameters p = gcmParameters(alg);
            this.nonce = p.getNonce();
            this.tagBytes = p.getIcvLen();
            byte[] counter = Arrays.copyOf(nonce, 16);
            counter[15] = 2; // J0 = nonce || 0^31 || 1; the first content block uses J0 + 1
            this.stream = Providers.jdkCipher("AES/CTR/NoPadding");
            stream.init(Cipher.DECRYPT_MODE, this.key, new IvParameterSpec(counter));
            this.tagger = Providers.jdkCipher("AES/GCM/NoPadding");
            tagger.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(tagBytes * 8, nonce));
        } else {
            this.nonce = ASN1OctetString.getInstance(alg.getParameters()).getOctets();
            this.tagBytes = 0;
            this.stream = Providers.jdkCipher(cipher.blockCipher() + "/CBC/PKCS5Padding");
            stream.init(Cipher.DECRYPT_MODE, this.key, new IvParameterSpec(nonce));
            this.tagger = null;
        }
    }

    /**
     * The GCM parameters hsmkit accepts: a 12-byte nonce and a tag of 12 to 16 bytes.
     *
     * @throws HsmkitException INPUT for others
     * @throws IllegalArgumentException when the parameters are not GCM parameters at all
     */
    static GCMParameters gcmParameters(AlgorithmIdentifier alg) {
        GCMParameters p = GCMParameters.getInstance(alg.getParameters());
        if (p.getNonce().length != 12) {
            throw HsmkitException.input("GCM nonces of " + p.getNonce().length + " bytes are not supported", "the usual nonce is 12 bytes");
        }
        if (p.getIcvLen() < 12 || p.getIcvLen() > 16) {
            throw HsmkitException.input("a GCM tag of " + p.getIcvLen() + " bytes is not allowed", "tags are 12 to 16 bytes");
        }
        return p;
    }

    /**
     * Prepares decryption with a recovered content key.
     *
     * @throws HsmkitException INPUT for a cipher hsmkit does not read
     */
    public static ContentDecryption of(AlgorithmIdentifier alg, byte[] contentKey) {
        ContentCipher c = ContentCipher.fromOid(alg.getAlgorithm()).orElseThrow(() -> HsmkitException.input(
                "unsupported content cipher " + cipherName(alg.getAlgorithm()), "hsmkit reads AES-GCM, AES-CBC and (for old mail) 3DES-CBC"));
        try {
            return new ContentDecryption(c, contentKey, alg);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw HsmkitException.input("the content cipher parameters are invalid: " + e.getMessage(), "the file is damaged", e);
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    public ContentCipher cipher() {
        return cipher;
    }

    /**
     * Decrypts all of {@code ciphertext} into {@code plaintext}; returns the plaintext length. For
     * GCM a second thread recomputes the tag and writes the plaintext while this one reads and
     * decrypts; every plaintext buffer passes both, in order, before it is reused. Content shorter
     * than {@link #SMALL} is done on this thread alone: the second thread and its megabyte buffers
     * cost a 4 KiB file more than its decryption (a batch of small files spent a tenth of its time
     * clearing them).
     */
    public long run(InputStream ciphertext, OutputStream plaintext) throws IOException {
        try {
            byte[] first = new byte[SMALL];
            int n = ciphertext.readNBytes(first, 0, SMALL);
            return n < SMALL ? runSmall(first, n, plaintext) : runLarge(first, ciphertext, plaintext);
        } catch (BadPaddingException e) {
            throw HsmkitException.verification("the decrypted content has invalid padding",
                    "the file was altered or damaged, or the key is wrong");
        } catch (GeneralSecurityException e) {
            throw HsmkitException.verification("decryption failed: " + e.getMessage(), "the file is damaged");
        }
    }

    private long runSmall(byte[] ciphertext, int n, OutputStream plaintext) throws IOException, GeneralSecurityException {
        byte[] out = new byte[n + 32];
        int m = stream.update(ciphertext, 0, n, out, 0);
        m += stream.doFinal(out, m);
        if (tagger != null) {
            tagger.update(out, 0, m);
        }
        plaintext.write(out, 0, m);
        return m;
    }

    /** {@code first} holds the first {@link #SMALL} bytes of the content. */
    private long runLarge(byte[] first, InputStream ciphertext, OutputStream plaintext) throws IOException, GeneralSecurityException {
        GcmTagThread worker = tagger == null ? null : GcmTagThread.start(tagger, plaintext);
        byte[] in = new byte[CHUNK];
        byte[] single = new byte[CHUNK + 32];
        long total = 0;
        try {
            byte[] piece = first;
            int n = first.length;
            while (n > 0) {
                int slice = total < WARMUP_BYTES ? WARMUP_SLICE : CHUNK;
                byte[] out = worker == null ? single : worker.buffer();
                int m = 0;
                for (int off = 0; off < n; off += slice) {
                    m += stream.update(piece, off, Math.min(slice, n - off), out, m);
                }
                if (worker != null) {
                    worker.submit(out, m, slice);
                } else {
                    plaintext.write(out, 0, m);
                }
                total += m;
                if (n < piece.length) {
                    break;
                }
                piece = in;
                n = ciphertext.readNBytes(in, 0, CHUNK);
            }
            byte[] out = worker == null ? single : worker.buffer();
            int m = stream.doFinal(out, 0);
            if (worker != null) {
                worker.submit(out, m, CHUNK);
                worker.finish();
            } else {
                plaintext.write(out, 0, m);
            }
            return total + m;
        } finally {
            if (worker != null) {
                worker.stop();
            }
        }
    }

    /**
     * Checks the GCM tag against the one recomputed from the plaintext; with authenticated
     * attributes (which follow the content) the plaintext is read again from {@code plaintextFile}
     * because GCM hashes them first. Does nothing for CBC.
     *
     * @throws HsmkitException VERIFICATION_FAILED when the tag does not match
     */
    public void verify(EnvelopeReader.Trailer trailer, Path plaintextFile) throws IOException {
        if (tagger == null) {
            return;
        }
        try {
            byte[] computed;
            if (trailer.authAttributes() != null) {
                Cipher again = Providers.jdkCipher("AES/GCM/NoPadding");
                again.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tagBytes * 8, nonce));
                again.updateAAD(trailer.authAttributes().getEncoded(ASN1Encoding.DER));
                byte[] buf = new byte[CHUNK];
                byte[] scratch = new byte[CHUNK + 32];
                try (InputStream in = Files.newInputStream(plaintextFile)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        again.update(buf, 0, n, scratch, 0);
                    }
                }
                computed = again.doFinal();
            } else {
                computed = tagger.doFinal();
            }
            byte[] tag = Arrays.copyOfRange(computed, computed.length - tagBytes, computed.length);
            if (trailer.mac().length != tagBytes || !MessageDigest.isEqual(tag, trailer.mac())) {
                throw HsmkitException.verification("the authentication tag does not match: the file was altered or damaged",
                        "nothing was written; get an intact copy of the file");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "CAMELLIA-256-CBC (1.2.392.200011.61.1.1.1.4)", or the OID alone when Bouncy Castle has no name for it. */
    private static String cipherName(org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
        String name = new org.bouncycastle.operator.DefaultAlgorithmNameFinder().getAlgorithmName(oid);
        return name.equals(oid.getId()) ? name : name + " (" + oid.getId() + ")";
    }
}
