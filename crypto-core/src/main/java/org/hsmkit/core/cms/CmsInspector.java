package org.hsmkit.core.cms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.Armor;
import org.hsmkit.core.internal.cms.EnvelopeReader;
import org.hsmkit.core.internal.cms.RecipientEntries;
import org.hsmkit.core.internal.cms.SingleStructure;
import org.hsmkit.core.internal.io.LengthBound;

/**
 * Describes a CMS file — enveloped, auth-enveloped or signed, DER or PEM — without any key,
 * reading it once as a stream.
 */
public final class CmsInspector {
    private CmsInspector() {
    }

    /**
     * @throws HsmkitException INPUT when the input is not CMS or is damaged
     */
    public static CmsStructure inspect(InputStream in) {
        try {
            Armor.Opened opened = Armor.open(in);
            // keep the input's bound (LengthBound): a buffer in between hid it, and a 12-byte file whose string
            // claimed 800 MB made inspect allocate that much before it failed
            InputStream der = LengthBound.mark(new java.io.BufferedInputStream(opened.der(), 1 << 16), LengthBound.of(opened.der()));
            der.mark(64);
            boolean signed = isSignedData(der);
            der.reset();
            return signed ? signed(opened.pem(), der) : enveloped(opened.pem(), der);
        } catch (HsmkitException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's ASN.1 classes report a wrong structure with unchecked exceptions
            throw EnvelopeReader.damaged(e);
        }
    }

    private static CmsStructure enveloped(boolean pem, InputStream der) throws IOException {
        EnvelopeReader reader = EnvelopeReader.open(der);
        List<CmsStructure.Recipient> recipients = new ArrayList<>();
        for (RecipientEntries.Entry e : RecipientEntries.of(reader.recipientInfos())) {
            recipients.add(new CmsStructure.Recipient(e.kind(), e.identifier(), e.keyType(), e.algorithm()));
        }
        long n = reader.content().transferTo(OutputStream.nullOutputStream());
        EnvelopeReader.Trailer t = reader.finish();
        AlgorithmIdentifier alg = reader.contentAlgorithm();
        String cipher = ContentCipher.fromOid(alg.getAlgorithm()).map(ContentCipher::spec).orElse(alg.getAlgorithm().getId());
        int tag = 0;
        if (reader.authenticated()) {
            tag = t.mac() == null ? 0 : t.mac().length;
            if (tag == 0) {
                tag = GCMParameters.getInstance(alg.getParameters()).getIcvLen();
            }
        }
        return new CmsStructure(pem, reader.authenticated() ? "AuthEnvelopedData" : "EnvelopedData", cipher, recipients,
                List.of(), n, false, tag);
    }

    private static CmsStructure signed(boolean pem, InputStream raw) throws IOException {
        try {
            SingleStructure der = new SingleStructure(raw);
            CMSSignedDataParser p = new CMSSignedDataParser(
                    new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bc()).build(), der);
            CMSTypedStream content = p.getSignedContent();
            long n = 0;
            if (content != null) {
                n = content.getContentStream().transferTo(OutputStream.nullOutputStream());
            }
            List<CmsStructure.Signer> signers = new ArrayList<>();
            DefaultAlgorithmNameFinder names = new DefaultAlgorithmNameFinder();
            for (SignerInformation si : p.getSignerInfos().getSigners()) {
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> certs = p.getCertificates().getMatches(si.getSID());
                String subject = certs.isEmpty() ? null : NameFormat.format(certs.iterator().next().getSubject());
                String id = si.getSID().getIssuer() != null
                        ? "issuer \"" + NameFormat.format(si.getSID().getIssuer()) + "\" serial "
                            + si.getSID().getSerialNumber().toString(16)
                        : "subject key id";
                Instant when = null;
                if (si.getSignedAttributes() != null && si.getSignedAttributes().get(CMSAttributes.signingTime) != null) {
                    when = Time.getInstance(si.getSignedAttributes().get(CMSAttributes.signingTime).getAttrValues().getObjectAt(0))
                            .getDate().toInstant();
                }
                signers.add(new CmsStructure.Signer(id, subject, names.getAlgorithmName(new ASN1ObjectIdentifier(si.getDigestAlgOID())),
                        names.getAlgorithmName(si.toASN1Structure().getDigestEncryptionAlgorithm()), when));
            }
            der.requireEnd();
            return new CmsStructure(pem, "SignedData", "", List.of(), signers, n, content == null, 0);
        } catch (HsmkitException e) {
            throw e;
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            throw EnvelopeReader.damaged(e);
        }
    }

    /** Peeks at the content type OID: signedData is 1.2.840.113549.1.7.2. */
    static boolean isSignedData(InputStream der) throws IOException {
        byte[] head = der.readNBytes(32);
        byte[] oid = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x02};
        for (int i = 0; i + oid.length <= head.length; i++) {
            if (java.util.Arrays.equals(head, i, i + oid.length, oid, 0, oid.length)) {
                return true;
            }
        }
        return false;
    }
}
