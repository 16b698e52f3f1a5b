package org.hsmkit.smime;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.asn1.smime.SMIMEEncryptionKeyPreferenceAttribute;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.mail.smime.SMIMEUtil;
import org.bouncycastle.operator.OperatorCreationException;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.cms.ContentDigests;
import org.hsmkit.smime.internal.FixedPartGenerators;
import org.hsmkit.smime.internal.MimeParts;
import org.hsmkit.smime.internal.MultipartSigned;

/**
 * Signs Jakarta Mail messages with a {@link TokenKey} (RFC 8551). The content is hashed on the
 * host; the token makes exactly one signature per message, and the returned message holds fixed
 * bytes, so writing or sending it any number of times never signs again.
 *
 * <p>Every signature carries signing time, SMIMECapabilities (AES-256-GCM, AES-256-CBC,
 * AES-128-CBC) and an encryption-key preference naming the signer's certificate, plus the
 * certificate chain the key has on its token. Immutable and safe to share between threads; the
 * key itself is used by one thread at a time.
 */
public final class SmimeSigner {
    private final TokenKey key;
    private final SignatureScheme scheme;
    private final DigestAlgorithm digest;
    private final SignedFormat format;
    private final List<X509Certificate> chain;
    private final X509Certificate encryptionCertificate;
    private final List<java.security.cert.X509CRL> crls;

    private SmimeSigner(Builder b) {
        this.key = b.key;
        this.scheme = b.scheme != null ? b.scheme : SignatureScheme.defaultFor(b.key.type());
        this.digest = b.digest;
        this.format = b.format;
        this.chain = b.chain != null ? List.copyOf(b.chain) : b.key.certificateChain();
        if (chain.isEmpty()) {
            throw HsmkitException.key("the key '" + key.label() + "' has no certificate", TokenKey.NO_CERTIFICATE_HINT);
        }
        if (!org.hsmkit.core.internal.soft.KeyIds.sameKey(chain.get(0).getPublicKey(), key.publicKey())) {
            throw HsmkitException.key("the first certificate does not belong to the key '" + key.label() + "'",
                    "give the key's own certificate first");
        }
        if (!scheme.fits(key.type())) {
            throw HsmkitException.key(scheme + " does not fit the " + key.type() + " key '" + key.label() + "'",
                    key.type().isRsa() ? "use RSA_PKCS1 or RSA_PSS" : "use ECDSA");
        }
        this.encryptionCertificate = b.encryptionCertificate != null ? b.encryptionCertificate : chain.get(0);
        this.crls = List.copyOf(b.crls);
    }

    /** A builder for a signer using {@code key}; defaults: the key type's scheme, SHA-256, detached. */
    public static Builder builder(TokenKey key) {
        return new Builder(key);
    }

    /** The certificate of the signing key. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * A signed copy of {@code message}: the header fields (From, To, Subject, …) are kept outside
     * the signature as usual, the body (Content-* headers and content) becomes the signed part.
     */
    public MimeMessage sign(MimeMessage message) {
        return MimeParts.messageWith(message, sign(MimeParts.bodyOf(message)));
    }

    /** Signs a body part; returns a multipart/signed or application/pkcs7-mime part, as fixed bytes. */
    public MimeBodyPart sign(MimeBodyPart content) {
        if (format == SignedFormat.DETACHED && MimeParts.isFixed(content)) {
            return signDetached(content);
        }
        SMIMESignedGenerator generator = FixedPartGenerators.signed();
        try {
            generator.addSignerInfoGenerator(signerInfoGenerator());
            generator.addCertificates(new JcaCertStore(chain));
            if (!crls.isEmpty()) {
                generator.addCRLs(new org.bouncycastle.cert.jcajce.JcaCRLStore(crls));
            }
            MimeBodyPart generated;
            if (format == SignedFormat.OPAQUE) {
                generated = generator.generateEncapsulated(content);
            } else {
                MimeMultipart signed = generator.generate(content);
                generated = new MimeBodyPart();
                generated.setContent(signed);
                generated.setHeader("Content-Type", signed.getContentType());
            }
            return MimeParts.materialise(generated);
        } catch (SMIMEException | CertificateEncodingException | java.security.cert.CRLException | jakarta.mail.MessagingException e) {
            throw MimeParts.generationFailure(e);
        }
    }

    private MimeBodyPart signDetached(MimeBodyPart content) {
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        try {
            generator.addSignerInfoGenerator(signerInfoGenerator());
            generator.addCertificates(new JcaCertStore(chain));
            if (!crls.isEmpty()) {
                generator.addCRLs(new org.bouncycastle.cert.jcajce.JcaCRLStore(crls));
            }
            return MultipartSigned.of(content, generator, digest.jcaName().toLowerCase(Locale.ROOT));
        } catch (CMSException | CertificateEncodingException | java.security.cert.CRLException | jakarta.mail.MessagingException
                | IOException e) {
            throw MimeParts.generationFailure(e);
        }
    }

    private SignerInfoGenerator signerInfoGenerator() {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        SMIMECapabilityVector capabilities = new SMIMECapabilityVector();
        capabilities.addCapability(NISTObjectIdentifiers.id_aes256_GCM);
        capabilities.addCapability(SMIMECapability.aES256_CBC);
        capabilities.addCapability(SMIMECapability.aES128_CBC);
        attributes.add(new SMIMECapabilitiesAttribute(capabilities));
        try {
            attributes.add(new SMIMEEncryptionKeyPreferenceAttribute(
                    SMIMEUtil.createIssuerAndSerialNumberFor(encryptionCertificate)));
            // the JDK's digests: Bouncy Castle's provider takes half a second to set up
            return new JcaSignerInfoGeneratorBuilder(ContentDigests.provider())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(key.contentSigner(scheme, digest), chain.get(0));
        } catch (CertificateParsingException | CertificateEncodingException | OperatorCreationException e) {
            throw HsmkitException.key("cannot prepare a signature with '" + key.label() + "': " + e.getMessage(), null);
        }
    }

    /** Options for a {@link SmimeSigner}. */
    public static final class Builder {
        private final TokenKey key;
        private SignatureScheme scheme;
        private DigestAlgorithm digest = DigestAlgorithm.SHA256;
        private SignedFormat format = SignedFormat.DETACHED;
        private List<X509Certificate> chain;
        private X509Certificate encryptionCertificate;
        private final List<java.security.cert.X509CRL> crls = new ArrayList<>();

        private Builder(TokenKey key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        /** RSA_PKCS1 (default for RSA), RSA_PSS, or ECDSA (EC keys). */
        public Builder scheme(SignatureScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme);
            return this;
        }

        public Builder digest(DigestAlgorithm digest) {
            this.digest = Objects.requireNonNull(digest);
            return this;
        }

        public Builder format(SignedFormat format) {
            this.format = Objects.requireNonNull(format);
            return this;
        }

        /**
         * The certificates to include, the key's own first; default: the chain stored with the
         * key on its token.
         */
        public Builder chain(List<X509Certificate> chain) {
            this.chain = new ArrayList<>(chain);
            return this;
        }

        /**
         * The certificate correspondents should encrypt to (encryption-key preference attribute);
         * default: the signing certificate.
         */
        public Builder encryptionCertificate(X509Certificate certificate) {
            this.encryptionCertificate = certificate;
            return this;
        }

        /** CRLs to carry in the signature, so that readers can check revocation without fetching anything. */
        public Builder crls(List<java.security.cert.X509CRL> crls) {
            this.crls.addAll(crls);
            return this;
        }

        public SmimeSigner build() {
            return new SmimeSigner(this);
        }
    }
}
