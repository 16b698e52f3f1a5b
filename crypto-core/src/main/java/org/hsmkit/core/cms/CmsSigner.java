package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.ContentDigests;
import org.hsmkit.core.internal.cms.WriteFailure;

/**
 * Signs a stream as CMS SignedData with a token key: detached (the default, a {@code .p7s} beside
 * the file) or attached. Signed attributes: content-type, message-digest, signing-time,
 * CMS algorithm protection and ESS signing-certificate-v2; the key's certificate chain is
 * included. The content is hashed on the host; the token makes one signature.
 */
public final class CmsSigner {
    private static final int CHUNK = 1 << 16;

    private final TokenKey key;
    private final X509Certificate certificate;
    private final SignatureScheme scheme;
    private final DigestAlgorithm digest;
    private final boolean attached;
    private final boolean armor;
    private final List<X509Certificate> chain;

    private CmsSigner(Builder b) {
        this.key = b.key;
        this.certificate = b.key.certificate().orElseThrow(() -> HsmkitException.key(
                "the key '" + b.key.label() + "' has no certificate", TokenKey.NO_CERTIFICATE_HINT));
        this.scheme = b.scheme != null ? b.scheme : SignatureScheme.defaultFor(key.type());
        if (!scheme.fits(key.type())) {
            throw HsmkitException.key(scheme + " does not fit the " + key.type() + " key '" + key.label() + "'",
                    key.type().isRsa() ? "use RSA PKCS#1 or PSS" : "use ECDSA");
        }
        this.digest = b.digest != null ? b.digest : defaultDigest(key);
        this.attached = b.attached;
        this.armor = b.armor;
        this.chain = b.chain != null ? b.chain : key.certificateChain().isEmpty() ? List.of(certificate) : key.certificateChain();
        if (!chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("the chain must begin with the key's certificate");
        }
        boolean[] ku = certificate.getKeyUsage();
        if (ku != null && !ku[0] && !ku[1]) {
            throw HsmkitException.key("the certificate of '" + key.label() + "' does not allow signing (key usage)",
                    "use a signing key");
        }
    }

    /** SHA-256, or the hash matching a larger curve (SHA-384 for 384-bit, SHA-512 above). */
    private static DigestAlgorithm defaultDigest(TokenKey key) {
        if (key.type().isEc() && key.type().bits() > 256) {
            return key.type().bits() <= 384 ? DigestAlgorithm.SHA384 : DigestAlgorithm.SHA512;
        }
        return DigestAlgorithm.SHA256;
    }

    public static Builder with(TokenKey key) {
        return new Builder(Objects.requireNonNull(key));
    }

    /** Options; defaults: the key type's scheme (RSA PKCS#1 v1.5 or ECDSA), hash by key size, detached, DER. */
    public static final class Builder {
        private final TokenKey key;
        private SignatureScheme scheme;
        private DigestAlgorithm digest;
        private boolean attached;
        private boolean armor;
        private List<X509Certificate> chain;

        private Builder(TokenKey key) {
            this.key = key;
        }

        public Builder scheme(SignatureScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        public Builder digest(DigestAlgorithm digest) {
            this.digest = digest;
            return this;
        }

        /** Put the content inside the signature file (enveloping). */
        public Builder attached(boolean attached) {
            this.attached = attached;
            return this;
        }

        public Builder armor(boolean armor) {
            this.armor = armor;
            return this;
        }

        /**
         * The certificates to include, the key's own first; default: the chain stored with the
         * key on its token.
         */
        public Builder chain(List<X509Certificate> chain) {
            this.chain = List.copyOf(chain);
            return this;
        }

        /** @throws HsmkitException KEY when the key has no certificate, or the scheme does not fit */
        public CmsSigner build() {
            return new CmsSigner(this);
        }
    }

    /** Reads {@code content} to its end and writes the signature to {@code out} (flushed, not closed). */
    public void sign(InputStream content, OutputStream out) {
        try {
            OutputStream target = WriteFailure.guardKeepingOpen(out);
            OutputStream der = armor ? Armor.armored(target, "CMS") : target;
            CMSSignedDataStreamGenerator g = new CMSSignedDataStreamGenerator();
            g.setBufferSize(CHUNK);
            g.addSignerInfoGenerator(signerInfoGenerator());
            g.addCertificates(new JcaCertStore(chain));
            try (OutputStream sig = g.open(der, attached)) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = content.read(buf)) > 0) {
                    sig.write(buf, 0, n);
                }
            }
            if (armor) {
                der.close();
            }
            target.flush();
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the content: " + e.getMessage(), e);
        } catch (CMSException | CertificateEncodingException | OperatorCreationException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot sign: " + e.getMessage(), null, e);
        }
    }

    private SignerInfoGenerator signerInfoGenerator() throws OperatorCreationException, CertificateEncodingException {
        try {
            X509CertificateHolder holder = new X509CertificateHolder(certificate.getEncoded());
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            // RFC 5035: ESSCertIDv2 with the default hash (SHA-256) omits the algorithm
            ESSCertIDv2 id = new ESSCertIDv2(hash, new IssuerSerial(new GeneralNames(new GeneralName(holder.getIssuer())),
                    holder.getSerialNumber()));
            AttributeTable extra = new AttributeTable(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                    new DERSet(new SigningCertificateV2(id))));
            // the JDK's digests (SHA-2 with CPU intrinsics) need no Bouncy Castle provider, which takes half a second to set up
            return new JcaSignerInfoGeneratorBuilder(ContentDigests.provider())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(extra))
                    .build(key.contentSigner(scheme, digest), holder);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
