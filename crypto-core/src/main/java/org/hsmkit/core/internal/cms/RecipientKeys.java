package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.util.encoders.Hex;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.PeerPoints;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.soft.KeyTypes;

/** Conversions between the key and certificate forms the JDK, Bouncy Castle and CMS use. */
public final class RecipientKeys {
    private RecipientKeys() {
    }

    /**
     * The certificate as a Bouncy Castle provider object when it holds an EC key, so that its public
     * key is usable on every curve hsmkit supports (the JDK no longer parses brainpool keys).
     */
    public static X509Certificate toBc(X509Certificate cert) {
        if (cert.getPublicKey() instanceof RSAPublicKey) {
            return cert; // the JDK handles RSA; loading Bouncy Castle's provider costs a second at start-up
        }
        try {
            return new JcaX509CertificateConverter().setProvider(Providers.bc())
                    .getCertificate(new X509CertificateHolder(cert.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw HsmkitException.input("cannot read the certificate " + cert.getSubjectX500Principal() + ": " + e.getMessage(),
                    "check the certificate file", e);
        }
    }

    /** The public key as a Bouncy Castle provider object. */
    public static PublicKey toBc(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return key;
        }
        try {
            String alg = "RSA".equals(key.getAlgorithm()) ? "RSA" : "EC";
            return KeyFactory.getInstance(alg, Providers.bc()).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw HsmkitException.input("cannot read the public key: " + e.getMessage(), "use an RSA or EC key", e);
        }
    }

    /**
     * The subject key identifier a certificate names, or else the RFC 5280 method-1 identifier
     * (SHA-1 of the public key bits) that hsmkit writes for keys without a certificate.
     */
    public static byte[] subjectKeyIdentifier(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ext != null) {
            return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
        }
        return subjectKeyIdentifier(cert.getPublicKey());
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
    public static byte[] subjectKeyIdentifier(PublicKey key) {
        try {
            byte[] bits = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
            return MessageDigest.getInstance("SHA-1").digest(bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static IssuerAndSerialNumber issuerAndSerial(X509Certificate cert) {
        try {
            X509CertificateHolder h = new X509CertificateHolder(cert.getEncoded());
            return new IssuerAndSerialNumber(h.getIssuer(), h.getSerialNumber());
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Human-readable issuer and serial, as inspect and error messages show them. */
    public static String describe(IssuerAndSerialNumber ias) {
        return "issuer \"" + NameFormat.format(X500Name.getInstance(ias.getName())) + "\" serial "
                + ias.getSerialNumber().getValue().toString(16);
    }

    public static String describeSki(byte[] ski) {
        return "subject key id " + Hex.toHexString(ski);
    }

    /**
     * The originator's ephemeral EC public key of a key-agreement recipient, on the curve of the
     * recipient's own key (RFC 5753 lets the originator omit the curve parameters).
     */
    public static ECPublicKey originatorKey(AlgorithmIdentifier originatorAlgorithm, byte[] point, PublicKey recipientKey) {
        try {
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(originatorAlgorithm.getAlgorithm())) {
                throw HsmkitException.input("the originator key is not an EC key (" + originatorAlgorithm.getAlgorithm() + ")",
                        "hsmkit supports ephemeral-static ECDH only");
            }
            AlgorithmIdentifier curveAlg = SubjectPublicKeyInfo.getInstance(recipientKey.getEncoded()).getAlgorithm();
            byte[] checked = PeerPoints.uncompressed(point, KeyTypes.of(recipientKey));
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(curveAlg, checked);
            return (ECPublicKey) KeyFactory.getInstance("EC", Providers.bc()).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw HsmkitException.input("the originator key of the file is not a point on the recipient's curve",
                    "the file is damaged or not meant for this key", e);
        }
    }

    public static Optional<byte[]> skiExtension(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        return ext == null ? Optional.empty()
                : Optional.of(SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier());
    }
}
