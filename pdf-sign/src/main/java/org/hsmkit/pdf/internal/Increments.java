package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.HsmkitException;

/**
 * The incremental updates after a signature: a /DSS with validation data (B-LT) and a document
 * time-stamp (B-LTA). Both append to the file; nothing before them changes.
 */
public final class Increments {
    private Increments() {
    }

    /**
     * Certificates found in a document's signatures and time-stamps, and the latest time any of
     * them was made at (a time-stamp's time, else what the signer claims; null when none says).
     */
    public record SignatureCertificates(List<X509Certificate> signers, Set<X509Certificate> all, Instant newest) {
    }

    /** The signer certificates of every signature, signature time-stamp and document time-stamp. */
    public static SignatureCertificates certificates(PDDocument doc) throws IOException {
        List<X509Certificate> signers = new ArrayList<>();
        Set<X509Certificate> all = new LinkedHashSet<>();
        Instant newest = null;
        for (PDSignature sig : doc.getSignatureDictionaries()) {
            byte[] contents = sig.getContents();
            if (contents == null || contents.length == 0) {
                continue;
            }
            CMSSignedData cms;
            try {
                cms = new CMSSignedData(ContentInfo.getInstance(trimmed(contents)));
            } catch (Exception e) {
                throw HsmkitException.input("signature '" + sig.getName() + "' holds no readable CMS: " + e.getMessage(),
                        "the document's signature is damaged; it cannot be extended", e);
            }
            collect(cms, signers, all);
            newest = later(newest, madeAt(cms, sig));
            for (SignerInformation si : cms.getSignerInfos().getSigners()) {
                for (TimeStampToken t : signatureTimestamps(si)) {
                    collect(t.toCMSSignedData(), signers, all);
                    newest = later(newest, t.getTimeStampInfo().getGenTime().toInstant());
                }
            }
        }
        return new SignatureCertificates(signers, all, newest);
    }

    /** A document time-stamp's time, else the signing time the signer claims (signed attribute, else /M). */
    private static Instant madeAt(CMSSignedData cms, PDSignature sig) {
        try {
            if (PKCSObjectIdentifiers.id_ct_TSTInfo.getId().equals(cms.getSignedContentTypeOID())) {
                return new TimeStampToken(cms).getTimeStampInfo().getGenTime().toInstant();
            }
            for (SignerInformation si : cms.getSignerInfos().getSigners()) {
                AttributeTable signed = si.getSignedAttributes();
                Attribute t = signed == null ? null : signed.get(CMSAttributes.signingTime);
                if (t != null) {
                    return Time.getInstance(t.getAttrValues().getObjectAt(0)).getDate().toInstant();
                }
            }
        } catch (Exception e) {
            // an unreadable time says nothing; the /M below may
        }
        return sig.getSignDate() == null ? null : sig.getSignDate().toInstant();
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || b.isBefore(a) ? a : b;
    }

    /** The signature time-stamp tokens in a signer's unsigned attributes. */
    public static List<TimeStampToken> signatureTimestamps(SignerInformation si) {
        List<TimeStampToken> out = new ArrayList<>();
        AttributeTable u = si.getUnsignedAttributes();
        if (u == null) {
            return out;
        }
        for (Attribute a : attributes(u.getAll(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken))) {
            try {
                out.add(new TimeStampToken(new CMSSignedData(ContentInfo.getInstance(a.getAttrValues().getObjectAt(0)))));
            } catch (Exception e) {
                // a token that cannot be read counts as absent; verification says so
            }
        }
        return out;
    }

    private static List<Attribute> attributes(org.bouncycastle.asn1.ASN1EncodableVector v) {
        List<Attribute> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(Attribute.getInstance(v.get(i)));
        }
        return out;
    }

    /** Strips the zero padding of /Contents so the DER parser sees one object. */
    public static byte[] trimmed(byte[] contents) throws IOException {
        try (org.bouncycastle.asn1.ASN1InputStream in = new org.bouncycastle.asn1.ASN1InputStream(contents)) {
            return in.readObject().getEncoded("DER");
        }
    }

    private static void collect(CMSSignedData cms, List<X509Certificate> signers, Set<X509Certificate> all) {
        @SuppressWarnings("unchecked")
        java.util.Collection<X509CertificateHolder> certs = cms.getCertificates().getMatches(null);
        for (X509CertificateHolder h : certs) {
            all.add(Certificates.convert(h));
        }
        for (SignerInformation si : cms.getSignerInfos().getSigners()) {
            @SuppressWarnings("unchecked")
            java.util.Collection<X509CertificateHolder> m = cms.getCertificates().getMatches(si.getSID());
            for (X509CertificateHolder h : m) {
                signers.add(Certificates.convert(h));
            }
        }
    }

    /**
     * Adds a /DSS with the validation data of every signature and time-stamp in {@code in}.
     */
    public static void addDss(Path in, char[] password, ValidationDataCollector collector, OutputStream out) {
        try (PDDocument doc = PdfFiles.open(in, password)) {
            SignatureCertificates sc = certificates(doc);
            if (sc.signers().isEmpty()) {
                throw HsmkitException.input(in + " has no signatures to extend", "sign it first with 'pdf sign'");
            }
            Set<X509Certificate> pool = new LinkedHashSet<>(sc.all());
            for (byte[] c : DssStore.read(doc, DssStore.CERTS)) {
                pool.add(Certificates.parse(c));
            }
            // data already in the document is reused only when made after the newest signature or
            // time-stamp, and so added after it: a verifier counts only data added after a signature
            // for its B-LT (DSS saw the second of two signatures as B-T), so older data is fetched afresh
            List<OCSPResp> knownOcsp = new ArrayList<>();
            for (byte[] o : DssStore.read(doc, DssStore.OCSPS)) {
                try {
                    OCSPResp r = Revocation.parseOcsp(o);
                    if (madeSince(Revocation.producedAt(r), sc.newest())) {
                        knownOcsp.add(r);
                    }
                } catch (HsmkitException e) {
                    // ignore a damaged stored response; fresh data is fetched instead
                }
            }
            List<X509CRL> knownCrls = new ArrayList<>();
            for (byte[] c : DssStore.read(doc, DssStore.CRLS)) {
                try {
                    X509CRL crl = Revocation.parseCrl(c);
                    if (madeSince(crl.getThisUpdate().toInstant(), sc.newest())) {
                        knownCrls.add(crl);
                    }
                } catch (HsmkitException e) {
                    // as above
                }
            }
            ValidationDataCollector.Material m = collector.collect(sc.signers(), pool, knownOcsp, knownCrls);
            List<byte[]> certs = new ArrayList<>();
            for (X509Certificate c : m.certificates()) {
                certs.add(c.getEncoded());
            }
            DssStore.add(doc, certs, new ArrayList<>(m.ocsps().values()), new ArrayList<>(m.crls().values()));
            doc.saveIncremental(out);
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw HsmkitException.io("cannot write the validation data: " + e.getMessage(), e);
        }
    }

    /** Strictly after: data made in the same second as the signature may have been in the document before it. */
    private static boolean madeSince(Instant made, Instant newest) {
        return made != null && (newest == null || made.isAfter(newest));
    }

    /** Appends an ETSI.RFC3161 document time-stamp over the whole file. */
    public static void addDocumentTimestamp(Path in, char[] password, TimestampClient tsa, DigestAlgorithm digest,
            OutputStream out) {
        try (PDDocument doc = PdfFiles.open(in, password)) {
            int size = tsa.tokenSize(digest) + 512;
            PDSignature sig = new PDSignature();
            sig.setType(COSName.DOC_TIME_STAMP);
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(COSName.getPDFName("ETSI.RFC3161"));
            sig.setSignDate(Calendar.getInstance());
            try (SignatureOptions opts = new SignatureOptions()) {
                opts.setPreferredSignatureSize(size);
                doc.addSignature(sig, opts);
                ExternalSigningSupport ext = doc.saveIncrementalForExternalSigning(out);
                byte[] hash;
                try (InputStream content = ext.getContent()) {
                    java.security.MessageDigest md = java.security.MessageDigest.getInstance(digest.jcaName());
                    byte[] buf = new byte[65536];
                    for (int n; (n = content.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                    hash = md.digest();
                }
                byte[] token = tsa.stamp(digest, hash).getEncoded();
                if (token.length > size) {
                    throw new IllegalStateException("document time-stamp of " + token.length + " bytes exceeds the reserved " + size);
                }
                ext.setSignature(token);
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw HsmkitException.io("cannot write the document time-stamp: " + e.getMessage(), e);
        }
    }
}
