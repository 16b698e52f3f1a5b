package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;

/**
 * The CMS SignedData of a PAdES baseline signature (SubFilter ETSI.CAdES.detached): detached
 * content, signed attributes content-type, message-digest and ESS signing-certificate-v2 only
 * (the signing time belongs in the signature dictionary's /M), and for B-T a signature
 * time-stamp as the one unsigned attribute.
 */
public final class CadesSignature {
    private static final org.bouncycastle.operator.DigestCalculatorProvider DIGESTS;

    static {
        try {
            DIGESTS = new JcaDigestCalculatorProviderBuilder().build();
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private final TokenKey key;
    private final SignatureScheme scheme;
    private final DigestAlgorithm digest;
    private final List<X509Certificate> chain;

    public CadesSignature(TokenKey key, SignatureScheme scheme, DigestAlgorithm digest, List<X509Certificate> chain) {
        this.key = key;
        this.scheme = scheme;
        this.digest = digest;
        this.chain = List.copyOf(chain);
    }

    /** Signs the byte-range content with one token operation; adds a signature time-stamp when a client is given. */
    public byte[] sign(InputStream content, TimestampClient tsa) {
        CMSSignedData signed = generate(content, key.contentSigner(scheme, digest));
        if (tsa != null) {
            signed = addSignatureTimestamp(signed, tsa, digest);
        }
        return encode(signed);
    }

    /**
     * Size in bytes of the CMS this signer makes without a time-stamp: a dry run with a dummy
     * signature of the key's largest length, so the token is not used.
     */
    public int estimatedSize() {
        int sigLen = maxSignatureLength();
        ContentSigner dummy = new ContentSigner() {
            private final ContentSigner real = key.contentSigner(scheme, digest);

            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return real.getAlgorithmIdentifier();
            }

            @Override
            public OutputStream getOutputStream() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public byte[] getSignature() {
                return new byte[sigLen];
            }
        };
        return encode(generate(InputStream.nullInputStream(), dummy)).length;
    }

    private int maxSignatureLength() {
        if (key.publicKey() instanceof RSAPublicKey rsa) {
            return (rsa.getModulus().bitLength() + 7) / 8;
        }
        if (key.publicKey() instanceof ECPublicKey ec) {
            int n = (ec.getParams().getOrder().bitLength() + 7) / 8;
            return 2 * (n + 3) + 4;
        }
        return 1024;
    }

    private CMSSignedData generate(InputStream content, ContentSigner signer) {
        try {
            X509Certificate cert = chain.get(0);
            // The document digest uses the JDK's SHA-2 (CPU intrinsics); it is the bulk of the work.
            SignerInfoGeneratorBuilder b = new SignerInfoGeneratorBuilder(DIGESTS);
            b.setSignedAttributeGenerator(new PadesAttributes(cert, digest));
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(b.build(signer, new X509CertificateHolder(cert.getEncoded())));
            gen.addCertificates(new JcaCertStore(chain));
            return gen.generate(new StreamedContent(content), false);
        } catch (HsmkitException e) {
            throw e;
        } catch (Exception e) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.KEY, "cannot make the CMS signature: " + e.getMessage(),
                    "check the key and its certificate", e);
        }
    }

    /** Adds an RFC 3161 token over the signature value as the signature-time-stamp unsigned attribute. */
    public static CMSSignedData addSignatureTimestamp(CMSSignedData signed, TimestampClient tsa, DigestAlgorithm digest) {
        SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
        byte[] imprint = digestOf(digest, si.getSignature());
        TimeStampToken token = tsa.stamp(digest, imprint);
        ASN1Primitive tst = token.toCMSSignedData().toASN1Structure().toASN1Primitive();
        Attribute attr = new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken, new DERSet(tst));
        AttributeTable unsigned = si.getUnsignedAttributes() == null ? new AttributeTable(new ASN1EncodableVector())
                : si.getUnsignedAttributes();
        ASN1EncodableVector v = unsigned.toASN1EncodableVector();
        v.add(attr);
        SignerInformation withTs = SignerInformation.replaceUnsignedAttributes(si, new AttributeTable(v));
        return CMSSignedData.replaceSigners(signed, new SignerInformationStore(withTs));
    }

    static byte[] digestOf(DigestAlgorithm alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg.jcaName()).digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(CMSSignedData s) {
        try {
            return s.toASN1Structure().getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Detached content read once from the byte-range stream, straight into the digest. */
    private static final class StreamedContent implements CMSTypedData {
        private final InputStream in;

        StreamedContent(InputStream in) {
            this.in = in;
        }

        @Override
        public ASN1ObjectIdentifier getContentType() {
            return CMSObjectIdentifiers.data;
        }

        @Override
        public void write(OutputStream out) throws IOException, CMSException {
            in.transferTo(out);
        }

        @Override
        public Object getContent() {
            return in;
        }
    }

    /** content-type, message-digest, signing-certificate-v2; deliberately no signing-time. */
    private static final class PadesAttributes implements CMSAttributeTableGenerator {
        private final Attribute signingCertificate;

        PadesAttributes(X509Certificate cert, DigestAlgorithm digest) throws CertificateEncodingException {
            AlgorithmIdentifier hashAlg = new AlgorithmIdentifier(new ASN1ObjectIdentifier(digest.oid()));
            IssuerSerial issuerSerial = new IssuerSerial(
                    new GeneralNames(new GeneralName(X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()))),
                    cert.getSerialNumber());
            byte[] certHash = digestOf(digest, cert.getEncoded());
            // SHA-256 is ESSCertIDv2's default and is then left out of the encoding (RFC 5035).
            ESSCertIDv2 id = digest == DigestAlgorithm.SHA256 ? new ESSCertIDv2(certHash, issuerSerial)
                    : new ESSCertIDv2(hashAlg, certHash, issuerSerial);
            signingCertificate = new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                    new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {id})));
        }

        @Override
        @SuppressWarnings("rawtypes")
        public AttributeTable getAttributes(Map params) {
            Hashtable<ASN1ObjectIdentifier, Attribute> t = new Hashtable<>();
            ASN1ObjectIdentifier type = (ASN1ObjectIdentifier) params.get(CMSAttributeTableGenerator.CONTENT_TYPE);
            t.put(CMSAttributes.contentType, new Attribute(CMSAttributes.contentType, new DERSet(type)));
            byte[] d = (byte[]) params.get(CMSAttributeTableGenerator.DIGEST);
            t.put(CMSAttributes.messageDigest, new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString(d))));
            t.put(PKCSObjectIdentifiers.id_aa_signingCertificateV2, signingCertificate);
            return new AttributeTable(t);
        }
    }
}
