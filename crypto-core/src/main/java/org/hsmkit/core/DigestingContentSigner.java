package org.hsmkit.core;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;

/**
 * Hashes on the host and asks the token for one signature over the digest, so that a large input
 * costs one private-key operation and never crosses the token interface.
 */
final class DigestingContentSigner implements ContentSigner {
    private final TokenKey key;
    private final SignatureScheme scheme;
    private final DigestAlgorithm digestAlgorithm;
    private final MessageDigest digest;
    private final OutputStream stream;

    DigestingContentSigner(TokenKey key, SignatureScheme scheme, DigestAlgorithm digestAlgorithm) {
        if (!scheme.fits(key.type())) {
            throw HsmkitException.key(scheme + " does not fit the " + key.type() + " key '" + key.label() + "'",
                    key.type().isRsa() ? "use RSA_PKCS1 or RSA_PSS" : "use ECDSA");
        }
        this.key = key;
        this.scheme = scheme;
        this.digestAlgorithm = digestAlgorithm;
        try {
            this.digest = MessageDigest.getInstance(digestAlgorithm.jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.stream = new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        };
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return signatureAlgorithm(scheme, digestAlgorithm);
    }

    @Override
    public OutputStream getOutputStream() {
        return stream;
    }

    @Override
    public byte[] getSignature() {
        return key.signDigest(scheme, digestAlgorithm, digest.digest());
    }

    /** The X.509/CMS signature AlgorithmIdentifier for a scheme and hash. */
    static AlgorithmIdentifier signatureAlgorithm(SignatureScheme scheme, DigestAlgorithm d) {
        switch (scheme) {
            case RSA_PKCS1:
                ASN1ObjectIdentifier rsa = switch (d) {
                    case SHA256 -> PKCSObjectIdentifiers.sha256WithRSAEncryption;
                    case SHA384 -> PKCSObjectIdentifiers.sha384WithRSAEncryption;
                    case SHA512 -> PKCSObjectIdentifiers.sha512WithRSAEncryption;
                };
                return new AlgorithmIdentifier(rsa, DERNull.INSTANCE);
            case ECDSA:
                ASN1ObjectIdentifier ec = switch (d) {
                    case SHA256 -> X9ObjectIdentifiers.ecdsa_with_SHA256;
                    case SHA384 -> X9ObjectIdentifiers.ecdsa_with_SHA384;
                    case SHA512 -> X9ObjectIdentifiers.ecdsa_with_SHA512;
                };
                return new AlgorithmIdentifier(ec);
            case RSA_PSS:
                ASN1ObjectIdentifier h = switch (d) {
                    case SHA256 -> NISTObjectIdentifiers.id_sha256;
                    case SHA384 -> NISTObjectIdentifiers.id_sha384;
                    case SHA512 -> NISTObjectIdentifiers.id_sha512;
                };
                AlgorithmIdentifier hash = new AlgorithmIdentifier(h, DERNull.INSTANCE);
                RSASSAPSSparams params = new RSASSAPSSparams(hash,
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, hash),
                        new ASN1Integer(d.length()), new ASN1Integer(1));
                return new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, params);
            default:
                throw new IllegalArgumentException(String.valueOf(scheme));
        }
    }
}
