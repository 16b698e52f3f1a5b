package org.hsmkit.smime;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.bouncycastle.mail.smime.SMIMEAuthEnvelopedGenerator;
import org.bouncycastle.mail.smime.SMIMEEnvelopedGenerator;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.operator.OutputEncryptor;
import org.hsmkit.core.internal.cms.GcmOutputEncryptor;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.core.cms.RecipientSet;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.smime.internal.EnvelopedPart;
import org.hsmkit.smime.internal.FixedPartGenerators;
import org.hsmkit.smime.internal.MimeParts;

/**
 * Encrypts Jakarta Mail messages to certificates (RFC 8551). Default: AES-256-GCM
 * AuthEnvelopedData; {@link ContentCipher#AES256_CBC} gives EnvelopedData for clients without
 * AuthEnvelopedData (Thunderbird/NSS, Outlook). RSA recipients get RSAES-OAEP (SHA-256) unless
 * {@link RsaPadding#PKCS1} is chosen, EC recipients ephemeral-static ECDH. The sender is added as
 * a recipient by default, so the Sent copy stays readable. Recipients are checked (key type, key
 * usage, validity) when the encryptor is built, before any message is produced.
 *
 * <p>Each call encrypts with a fresh content key; the returned message holds fixed bytes.
 */
public final class SmimeEncryptor {
    private final List<X509Certificate> recipients;
    private final List<TokenKey> senderKeys;
    private final X509Certificate senderCertificate;
    private final boolean includeSender;
    private final ContentCipher cipher;
    private final RsaPadding padding;
    private final boolean compress;

    private SmimeEncryptor(Builder b) {
        this.recipients = List.copyOf(b.recipients);
        this.senderKeys = List.copyOf(b.senderKeys);
        this.senderCertificate = b.senderCertificate;
        this.includeSender = b.includeSender;
        this.cipher = b.cipher;
        this.padding = b.padding;
        this.compress = b.compress;
        if (!cipher.isAuthenticated() && cipher != ContentCipher.AES256_CBC && cipher != ContentCipher.AES128_CBC) {
            throw HsmkitException.input("hsmkit does not write " + cipher, "use aes256-gcm or aes256-cbc");
        }
        recipientSet(null); // check every recipient now, before any message exists
    }

    public static Builder builder() {
        return new Builder();
    }

    public ContentCipher cipher() {
        return cipher;
    }

    /** An encrypted copy of {@code message}; header fields stay outside, the body is encrypted. */
    public MimeMessage encrypt(MimeMessage message) {
        return encrypt(message, null);
    }

    /** As {@link #encrypt(MimeMessage)}, also encrypting to {@code sender} when the sender is included. */
    MimeMessage encrypt(MimeMessage message, X509Certificate sender) {
        return MimeParts.messageWith(message, encrypt(MimeParts.bodyOf(message), sender));
    }

    /** Encrypts a body part; returns an application/pkcs7-mime part as fixed bytes. */
    public MimeBodyPart encrypt(MimeBodyPart content) {
        return encrypt(content, null);
    }

    private MimeBodyPart encrypt(MimeBodyPart content, X509Certificate sender) {
        RecipientSet set = recipientSet(sender);
        try {
            MimeBodyPart inner = content;
            if (compress) {
                inner = MimeParts.materialise(FixedPartGenerators.compressed().generate(content, new ZlibCompressor()));
            }
            // the JDK's AES (CPU instructions): Bouncy Castle's pure-Java AES-GCM was the largest
            // share of encryption time in a JFR profile of bench/smime.sh
            OutputEncryptor encryptor = cipher.isAuthenticated() ? new GcmOutputEncryptor(cipher)
                    : new JceCMSContentEncryptorBuilder(cipher.oid()).setProvider(Providers.jdkAesOrBc()).build();
            if (MimeParts.isFixed(inner)) {
                return EnvelopedPart.of(inner, set.generators(cipher, padding), encryptor);
            }
            SMIMEEnvelopedGenerator generator = cipher.isAuthenticated() ? new SMIMEAuthEnvelopedGenerator() : new SMIMEEnvelopedGenerator();
            for (RecipientInfoGenerator g : set.generators(cipher, padding)) {
                generator.addRecipientInfoGenerator(g);
            }
            return MimeParts.materialise(generator.generate(inner, encryptor));
        } catch (SMIMEException | CMSException | IOException | jakarta.mail.MessagingException e) {
            throw MimeParts.generationFailure(e);
        }
    }

    private RecipientSet recipientSet(X509Certificate sender) {
        // a sender who also appears among the recipients gets one entry, not two
        java.util.LinkedHashSet<X509Certificate> certs = new java.util.LinkedHashSet<>(recipients);
        RecipientSet.Builder b = RecipientSet.builder();
        if (includeSender) {
            for (TokenKey k : senderKeys) {
                if (k.certificate().isPresent()) {
                    certs.add(k.certificate().get());
                } else {
                    b.add(k);
                }
            }
            if (senderCertificate != null) {
                certs.add(senderCertificate);
            }
            if (sender != null) {
                certs.add(sender);
            }
        }
        return b.addAll(certs).build();
    }

    /** Options for an {@link SmimeEncryptor}. */
    public static final class Builder {
        private final List<X509Certificate> recipients = new ArrayList<>();
        private final List<TokenKey> senderKeys = new ArrayList<>();
        private X509Certificate senderCertificate;
        private boolean includeSender = true;
        private ContentCipher cipher = ContentCipher.AES256_GCM;
        private RsaPadding padding = RsaPadding.OAEP_SHA256;
        private boolean compress;

        private Builder() {
        }

        public Builder recipient(X509Certificate certificate) {
            recipients.add(Objects.requireNonNull(certificate));
            return this;
        }

        public Builder recipients(List<X509Certificate> certificates) {
            recipients.addAll(certificates);
            return this;
        }

        /** The sender's own key: encrypted to as well, unless {@link #includeSender(boolean) excluded}. */
        public Builder sender(TokenKey key) {
            senderKeys.add(Objects.requireNonNull(key));
            return this;
        }

        /** The sender's encryption certificate, when it differs from the signing key's. */
        public Builder sender(X509Certificate certificate) {
            this.senderCertificate = certificate;
            return this;
        }

        /** Whether to encrypt to the sender as well; default true. */
        public Builder includeSender(boolean include) {
            this.includeSender = include;
            return this;
        }

        /** AES256_GCM (default), AES256_CBC (compatibility profile) or AES128_CBC. */
        public Builder cipher(ContentCipher cipher) {
            this.cipher = Objects.requireNonNull(cipher);
            return this;
        }

        /**
         * The compatibility profile: AES-256-CBC EnvelopedData and, for RSA recipients, PKCS#1
         * v1.5 key transport — what gpgsm 2.2, NSS (Thunderbird) and Outlook decrypt. It has no
         * integrity protection of its own: sign the message as well.
         */
        public Builder compatibility() {
            this.cipher = ContentCipher.AES256_CBC;
            this.padding = RsaPadding.PKCS1;
            return this;
        }

        /** For RSA recipients; default OAEP with SHA-256. */
        public Builder rsaPadding(RsaPadding padding) {
            this.padding = Objects.requireNonNull(padding);
            return this;
        }

        /** Compress (RFC 3274, zlib) before encrypting; default off. */
        public Builder compress(boolean compress) {
            this.compress = compress;
            return this;
        }

        public SmimeEncryptor build() {
            return new SmimeEncryptor(this);
        }
    }
}
