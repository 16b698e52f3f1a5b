package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.GcmOutputEncryptor;
import org.hsmkit.core.internal.cms.WriteFailure;
import org.hsmkit.core.internal.io.WriteBehindStream;

/**
 * Encrypts a stream for a {@link RecipientSet} as CMS AuthEnvelopedData (AES-GCM, the default) or
 * EnvelopedData (AES-CBC), DER or PEM, in constant memory. The output is BER with
 * indefinite lengths (as {@code openssl cms -stream} writes), readable by openssl, gpgsm and
 * Bouncy Castle. Uses no private key. Immutable and reusable; each call uses a fresh content key.
 *
 * <pre>{@code
 * CmsEncryptor enc = CmsEncryptor.to(RecipientSet.of(certs)).build();
 * try (AtomicOutput out = AtomicOutput.toFile(target, false, source)) {
 *     enc.encrypt(in, out.stream());
 *     out.commit();
 * }
 * }</pre>
 */
public final class CmsEncryptor {
    private static final int CHUNK = 1 << 16;
    /**
     * Content below this size is encrypted with buffers of this size: three 64 KiB buffers per
     * file, allocated and cleared, made a warm JVM about a seventh slower on 4 KiB payloads.
     */
    private static final int SMALL = 1 << 13;

    private final RecipientSet recipients;
    private final ContentCipher cipher;
    private final RsaPadding padding;
    private final boolean armor;

    private CmsEncryptor(Builder b) {
        this.recipients = b.recipients;
        this.cipher = b.cipher;
        this.padding = b.padding;
        this.armor = b.armor;
    }

    public static Builder to(RecipientSet recipients) {
        return new Builder(Objects.requireNonNull(recipients, "recipients"));
    }

    /** Options; defaults: AES-256-GCM, RSA-OAEP SHA-256, DER. */
    public static final class Builder {
        private final RecipientSet recipients;
        private ContentCipher cipher = ContentCipher.AES256_GCM;
        private RsaPadding padding = RsaPadding.OAEP_SHA256;
        private boolean armor;

        private Builder(RecipientSet recipients) {
            this.recipients = recipients;
        }

        public Builder cipher(ContentCipher cipher) {
            if (!Objects.requireNonNull(cipher).isWritable()) {
                throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "hsmkit decrypts " + cipher + " (old files) but does not write it",
                        "use aes256-gcm, or aes256-cbc for readers without GCM");
            }
            this.cipher = cipher;
            return this;
        }

        public Builder rsaPadding(RsaPadding padding) {
            this.padding = Objects.requireNonNull(padding);
            return this;
        }

        /** PEM ({@code -----BEGIN CMS-----}) instead of DER. */
        public Builder armor(boolean armor) {
            this.armor = armor;
            return this;
        }

        public CmsEncryptor build() {
            return new CmsEncryptor(this);
        }
    }

    public ContentCipher cipher() {
        return cipher;
    }

    /**
     * Reads {@code in} to its end and writes the encrypted file to {@code out}, which is flushed
     * but not closed. Returns the number of plaintext bytes.
     */
    public long encrypt(InputStream in, OutputStream out) {
        byte[] first = new byte[SMALL];
        int firstLength;
        try {
            firstLength = in.readNBytes(first, 0, SMALL);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        }
        boolean whole = firstLength < SMALL;
        return encrypt(plain -> {
            plain.write(first, 0, firstLength);
            long total = firstLength;
            if (!whole) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
                    plain.write(buf, 0, n);
                    total += n;
                }
            }
            return total;
        }, out, whole ? SMALL : CHUNK);
    }

    /** Writes the plaintext into the encrypting stream it is given; returns the number of bytes. */
    interface PlaintextWriter {
        long writeTo(OutputStream plain) throws IOException;
    }

    /** As {@link #encrypt(InputStream, OutputStream)}, with the plaintext pushed by {@code source}. */
    long encrypt(PlaintextWriter source, OutputStream out) {
        return encrypt(source, out, CHUNK);
    }

    /** @param bufferSize the size of the encoder's octet-string chunks: smaller for small content */
    private long encrypt(PlaintextWriter source, OutputStream out, int bufferSize) {
        // the encryption runs on this thread, the writing of what it produced on another
        WriteBehindStream behind = new WriteBehindStream(out);
        try {
            OutputStream target = WriteFailure.guardKeepingOpen(behind);
            OutputStream der = armor ? Armor.armored(target, "CMS") : target;
            long total;
            try (OutputStream plain = open(der, bufferSize)) {
                total = source.writeTo(plain);
            }
            if (armor) {
                der.close();
            }
            target.flush();
            return total;
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        } catch (CMSException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot encrypt: " + e.getMessage(), null, e);
        } finally {
            behind.stop();
        }
    }

    private OutputStream open(OutputStream der, int bufferSize) throws CMSException, IOException {
        if (cipher.isAuthenticated()) {
            CMSAuthEnvelopedDataStreamGenerator g = new CMSAuthEnvelopedDataStreamGenerator();
            g.setBufferSize(bufferSize);
            for (RecipientInfoGenerator r : recipients.generators(cipher, padding)) {
                g.addRecipientInfoGenerator(r);
            }
            return g.open(der, new GcmOutputEncryptor(cipher));
        }
        JceCMSContentEncryptorBuilder eb = new JceCMSContentEncryptorBuilder(cipher.oid());
        eb.setProvider(Providers.jdkAesOrBc());
        CMSEnvelopedDataStreamGenerator g = new CMSEnvelopedDataStreamGenerator();
        g.setBufferSize(bufferSize);
        for (RecipientInfoGenerator r : recipients.generators(cipher, padding)) {
            g.addRecipientInfoGenerator(r);
        }
        OutputEncryptor enc = eb.build();
        return g.open(der, enc);
    }
}
