package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.SignatureReport;
import org.hsmkit.pdf.SignatureReport.Change;
import org.hsmkit.pdf.SignatureReport.Kind;

/**
 * One verification of one file. Each signature is checked on the raw bytes (byte range, the gap
 * holding exactly this dictionary's /Contents, revision ends), cryptographically (digest over the
 * byte range against the signed message digest, signature value, ESS signing certificate,
 * time-stamps), for trust (PKIX path at the proven time to the given anchors, with the revocation
 * data embedded in the file), and for what later revisions changed.
 */
public final class Verification {
    private final Path file;
    private final char[] password;
    private final List<X509Certificate> anchors;
    private final boolean integrityOnly;
    private final List<X509CRL> givenCrls;

    public Verification(Path file, char[] password, List<X509Certificate> anchors, boolean integrityOnly) {
        this(file, password, anchors, integrityOnly, List.of());
    }

    /** With CRLs the verifier holds, consulted beside the document's own revocation data. */
    public Verification(Path file, char[] password, List<X509Certificate> anchors, boolean integrityOnly, List<X509CRL> crls) {
        this.file = file;
        this.password = password;
        this.anchors = anchors;
        this.integrityOnly = integrityOnly;
        this.givenCrls = List.copyOf(crls);
    }

    /** Internal per-signature state, turned into a {@link SignatureReport} at the end. */
    private static final class Sig {
        String field;
        Kind kind;
        String subFilter;
        String signer = "";
        Instant claimed;
        Instant proven;
        boolean intact;
        boolean byteRangeValid;
        boolean coversWhole;
        long end;
        int revision;
        boolean pades;
        boolean signatureTimestamp;
        boolean trusted;
        boolean revocationComplete;
        X509Certificate signerCert;
        Set<X509Certificate> certs = Set.of();
        String revocation = "not checked";
        int certification;
        List<Change> changes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String level;
    }

    public PdfReport run() {
        long size = PdfFiles.size(file);
        RevisionIndex index;
        try {
            index = RevisionIndex.scan(file);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[(int) Math.min(1024, size)];
            raf.readFully(head);
            if (PdfFiles.indexOf(head, "%PDF-".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0) < 0) {
                throw HsmkitException.input(file + " is not a PDF (no %PDF- header)", "give a PDF file");
            }
            long trailing = trailingGarbage(raf, index.lastEnd(), size);
            if (trailing > 0) {
                problems.add(trailing + " bytes after the last %%EOF belong to no revision: content appended that no signature covers");
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
        PDDocument doc;
        try {
            doc = Loader.loadPDF(file.toFile(), password == null ? "" : new String(password));
        } catch (InvalidPasswordException e) {
            throw HsmkitException.input(file + " is encrypted and needs its password", "give it with --password-file FILE");
        } catch (IOException e) {
            throw HsmkitException.input("cannot read " + file + " as a PDF: " + e.getMessage(), "check that it is a complete PDF", e);
        }
        try (doc) {
            List<Sig> sigs = new ArrayList<>();
            Map<COSDictionary, String> names = fieldNames(doc);
            Pool pool = integrityOnly ? null : new Pool(doc);
            int certification = PdfFiles.certificationLevel(doc);
            for (PDSignature s : doc.getSignatureDictionaries()) {
                Sig sig = new Sig();
                sig.field = names.getOrDefault(s.getCOSObject(), "(unnamed)");
                sig.certification = PdfFiles.docMdpP(s.getCOSObject());
                checkOne(doc, s, sig, index, size, pool);
                if (!integrityOnly && sig.byteRangeValid && !sig.coversWhole) {
                    sig.changes = changesAfter(doc, sig.end, certification);
                    for (Change c : sig.changes) {
                        if (!c.allowed()) {
                            sig.failures.add("changed after signing: " + c.description());
                        }
                    }
                }
                sigs.add(sig);
            }
            sigs.sort((x, y) -> Long.compare(x.end, y.end));
            if (!integrityOnly) {
                assignLevels(sigs, pool);
            }
            List<SignatureReport> reports = new ArrayList<>();
            for (Sig s : sigs) {
                reports.add(new SignatureReport(s.field, s.kind, s.subFilter, s.signer, s.claimed, s.proven, s.intact,
                        s.byteRangeValid, s.coversWhole, s.revision, index.count(), s.level, s.trusted, s.revocation,
                        s.certification, List.copyOf(s.changes), List.copyOf(s.failures), List.copyOf(s.warnings)));
            }
            return new PdfReport(file.toString(), size, index.count(), reports, problems);
        } catch (IOException e) {
            throw HsmkitException.input("cannot read " + file + " as a PDF: " + e.getMessage(), null, e);
        }
    }

    private static long trailingGarbage(RandomAccessFile raf, long lastEnd, long size) throws IOException {
        if (lastEnd >= size) {
            return 0;
        }
        raf.seek(lastEnd);
        long n = 0;
        long count = size - lastEnd;
        byte[] buf = new byte[8192];
        long read = 0;
        while (read < count) {
            int r = raf.read(buf, 0, (int) Math.min(buf.length, count - read));
            if (r < 0) {
                break;
            }
            for (int i = 0; i < r; i++) {
                byte b = buf[i];
                if (!(b == ' ' || b == '\r' || b == '\n' || b == '\t' || b == 0)) {
                    n = count;
                }
            }
            read += r;
        }
        return n;
    }

    private static Map<COSDictionary, String> fieldNames(PDDocument doc) {
        Map<COSDictionary, String> out = new IdentityHashMap<>();
        PDAcroForm form = doc.getDocumentCatalog().getAcroForm(null);
        if (form == null) {
            return out;
        }
        for (PDField f : form.getFieldTree()) {
            if (f instanceof PDSignatureField sf && sf.getCOSObject().getDictionaryObject(COSName.V) instanceof COSDictionary v) {
                out.put(v, f.getFullyQualifiedName());
            }
        }
        return out;
    }

    /** Certificates and revocation data in the document's /DSS. */
    private static final class Pool {
        final Set<X509Certificate> certs = new LinkedHashSet<>();
        final List<OCSPResp> ocsps = new ArrayList<>();
        final List<X509CRL> crls = new ArrayList<>();

        Pool(PDDocument doc) {
            if (doc == null) {
                return;
            }
            for (byte[] c : DssStore.read(doc, DssStore.CERTS)) {
                try {
                    certs.add(Certificates.parse(c));
                } catch (HsmkitException e) {
                    // unreadable entries do not count
                }
            }
            for (byte[] o : DssStore.read(doc, DssStore.OCSPS)) {
                try {
                    ocsps.add(Revocation.parseOcsp(o));
                } catch (HsmkitException e) {
                    // as above
                }
            }
            for (byte[] c : DssStore.read(doc, DssStore.CRLS)) {
                try {
                    crls.add(Revocation.parseCrl(c));
                } catch (HsmkitException e) {
                    // as above
                }
            }
        }
    }

    private void checkOne(PDDocument doc, PDSignature s, Sig sig, RevisionIndex index, long size, Pool pool) {
        COSDictionary d = s.getCOSObject();
        sig.subFilter = d.getNameAsString(COSName.SUB_FILTER);
        boolean docTs = COSName.DOC_TIME_STAMP.equals(d.getCOSName(COSName.TYPE)) || "ETSI.RFC3161".equals(sig.subFilter);
        sig.kind = docTs ? Kind.DOCUMENT_TIMESTAMP : Kind.SIGNATURE;
        sig.level = docTs ? "document time-stamp" : "not PAdES";
        if (s.getSignDate() != null) {
            sig.claimed = s.getSignDate().toInstant();
        }
        // Universal signature forgery: a signature without a usable /ByteRange or /Contents proves nothing.
        long[] br = byteRange(d);
        COSBase contentsObj = d.getDictionaryObject(COSName.CONTENTS);
        if (br == null) {
            sig.failures.add("/ByteRange is missing or malformed: the signature covers nothing (universal signature forgery)");
            return;
        }
        if (!(contentsObj instanceof COSString contents) || contents.getBytes().length == 0) {
            sig.failures.add("/Contents is missing or empty: there is no signature (universal signature forgery)");
            return;
        }
        long a = br[0];
        long b = br[1];
        long c = br[2];
        long len2 = br[3];
        sig.end = c + len2;
        sig.revision = index.revisionAt(sig.end);
        if (a != 0 || b <= 0 || c <= b || len2 < 0 || c + len2 > size) {
            sig.failures.add("/ByteRange [" + a + " " + b + " " + c + " " + len2 + "] does not describe a part of this "
                    + size + "-byte file that starts at 0 (universal signature forgery)");
            return;
        }
        boolean rangeOk = true;
        if (!gapHoldsContents(b, c, contents.getBytes())) {
            sig.failures.add("the bytes the /ByteRange leaves out are not exactly this signature's /Contents "
                    + "(signature wrapping)");
            rangeOk = false;
        }
        COSObjectKey key = d.getKey();
        Long offset = key == null ? null : doc.getDocument().getXrefTable().get(key);
        if (offset == null || offset <= 0 || offset >= b) {
            sig.failures.add("the signature dictionary in force is not the one inside the signed bytes"
                    + " (it was redefined by a later revision or lies outside the byte range)");
            rangeOk = false;
        }
        if (!index.isRevisionEnd(sig.end)) {
            sig.failures.add("the signed range ends at byte " + sig.end + ", which is not the end of a revision");
            rangeOk = false;
        }
        sig.byteRangeValid = rangeOk;
        sig.coversWhole = rangeOk && sig.revision == index.count() && sig.end >= index.lastEnd() - 2;
        byte[] der;
        try {
            der = Increments.trimmed(contents.getBytes());
        } catch (Exception e) {
            sig.failures.add("/Contents holds no readable CMS structure (universal signature forgery)");
            return;
        }
        if (docTs) {
            checkDocumentTimestamp(der, br, sig, pool);
        } else {
            checkCms(der, br, sig, pool, "adbe.pkcs7.detached".equals(sig.subFilter) || "ETSI.CAdES.detached".equals(sig.subFilter));
        }
    }

    private static long[] byteRange(COSDictionary d) {
        COSBase o = d.getDictionaryObject(COSName.BYTERANGE);
        if (!(o instanceof COSArray arr) || arr.size() != 4) {
            return null;
        }
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            COSBase e = arr.getObject(i);
            if (!(e instanceof COSInteger n)) {
                return null;
            }
            r[i] = n.longValue();
        }
        return r;
    }

    private boolean gapHoldsContents(long b, long c, byte[] contents) {
        long gap = c - b;
        if (gap != 2L * contents.length + 2) {
            return false;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(b);
            if (raf.read() != '<') {
                return false;
            }
            byte[] hex = new byte[2 * contents.length];
            raf.readFully(hex);
            if (raf.read() != '>') {
                return false;
            }
            byte[] decoded = java.util.HexFormat.of().parseHex(new String(hex, java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.Arrays.equals(decoded, contents);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] digestRanges(String algorithm, long[] br) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            try {
                md = MessageDigest.getInstance(algorithm, Providers.bc());
            } catch (java.security.NoSuchAlgorithmException e2) {
                throw new IOException("unknown digest algorithm " + algorithm);
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buf = new byte[1 << 16];
            for (int r = 0; r < 2; r++) {
                long pos = br[2 * r];
                long left = br[2 * r + 1];
                raf.seek(pos);
                while (left > 0) {
                    int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("the byte range runs past the end of the file");
                    }
                    md.update(buf, 0, n);
                    left -= n;
                }
            }
        }
        return md.digest();
    }

    private void checkCms(byte[] der, long[] br, Sig sig, Pool pool, boolean detached) {
        if (!detached) {
            sig.failures.add("SubFilter " + sig.subFilter + " is not supported (only ETSI.CAdES.detached, adbe.pkcs7.detached"
                    + " and ETSI.RFC3161)");
            return;
        }
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(ContentInfo.getInstance(der));
        } catch (Exception e) {
            sig.failures.add("/Contents holds no CMS SignedData (universal signature forgery)");
            return;
        }
        if (cms.getSignerInfos().size() != 1) {
            sig.failures.add("the CMS holds " + cms.getSignerInfos().size() + " signers; a PDF signature has exactly one");
            return;
        }
        SignerInformation si = cms.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> certHolders = cms.getCertificates().getMatches(si.getSID());
        if (certHolders.isEmpty()) {
            sig.failures.add("the signer's certificate is not in the signature");
            return;
        }
        X509CertificateHolder holder = certHolders.iterator().next();
        X509Certificate cert = Certificates.convert(holder);
        sig.signer = cert.getSubjectX500Principal().getName();
        try {
            String digestOid = si.getDigestAlgOID();
            byte[] hash = digestRanges(digestOid, br);
            AttributeTable signed = si.getSignedAttributes();
            if (signed == null) {
                sig.failures.add("the CMS has no signed attributes (not a PAdES signature)");
                return;
            }
            Attribute mdAttr = signed.get(CMSAttributes.messageDigest);
            byte[] claimed = mdAttr == null ? null : ASN1OctetString.getInstance(mdAttr.getAttrValues().getObjectAt(0)).getOctets();
            boolean digestOk = claimed != null && MessageDigest.isEqual(claimed, hash);
            boolean valueOk = false;
            try {
                CMSSignedData withHash = new CMSSignedData(Map.of(new ASN1ObjectIdentifier(digestOid), hash), der);
                SignerInformation s2 = withHash.getSignerInfos().get(si.getSID());
                valueOk = s2.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.bc()).build(holder));
            } catch (Exception e) {
                valueOk = false;
            }
            sig.intact = digestOk && valueOk;
            if (!digestOk) {
                sig.failures.add("the document bytes in the /ByteRange do not match the signed digest: modified after signing");
            } else if (!valueOk) {
                sig.failures.add("the signature value does not verify with the signer's certificate");
            }
            sig.pades = "ETSI.CAdES.detached".equals(sig.subFilter);
            if (!essMatches(signed, holder)) {
                if (signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) != null
                        || signed.get(PKCSObjectIdentifiers.id_aa_signingCertificate) != null) {
                    sig.failures.add("the ESS signing-certificate attribute names another certificate (certificate substitution)");
                } else {
                    sig.pades = false;
                    if ("ETSI.CAdES.detached".equals(sig.subFilter)) {
                        sig.warnings.add("no ESS signing-certificate attribute: not a PAdES baseline signature");
                    }
                }
            }
            if (signed.get(CMSAttributes.signingTime) != null && sig.pades) {
                sig.warnings.add("a signing-time attribute is present; PAdES baseline signatures carry the time in /M only");
            }
            boolean[] ku = cert.getKeyUsage();
            if (ku != null && !ku[0] && !ku[1]) {
                sig.failures.add("the signer's certificate allows neither digitalSignature nor nonRepudiation");
            }
            for (TimeStampToken t : Increments.signatureTimestamps(si)) {
                checkSignatureTimestamp(t, si.getSignature(), sig, pool);
            }
            if (!integrityOnly) {
                Set<X509Certificate> certs = withCertificates(pool.certs, cms.getCertificates());
                sig.signerCert = cert;
                sig.certs = certs;
                List<X509CRL> crls = new ArrayList<>(pool.crls);
                @SuppressWarnings("unchecked")
                Collection<org.bouncycastle.cert.X509CRLHolder> cmsCrls = cms.getCRLs().getMatches(null);
                for (org.bouncycastle.cert.X509CRLHolder h : cmsCrls) {
                    try {
                        crls.add(Revocation.parseCrl(h.getEncoded()));
                    } catch (Exception e) {
                        // skip unreadable
                    }
                }
                record(sig, trust(cert, certs, pool.ocsps, crls, sig.proven != null ? sig.proven : Instant.now()));
            }
        } catch (IOException e) {
            sig.failures.add("cannot check the signature: " + e.getMessage());
        }
    }

    private void checkSignatureTimestamp(TimeStampToken t, byte[] signatureValue, Sig sig, Pool pool) {
        try {
            String alg = t.getTimeStampInfo().getMessageImprintAlgOID().getId();
            byte[] expect = MessageDigest.getInstance(alg, Providers.bc()).digest(signatureValue);
            X509Certificate tsa = TimestampClient.verifyToken(t);
            if (tsa == null || !MessageDigest.isEqual(expect, t.getTimeStampInfo().getMessageImprintDigest())) {
                sig.failures.add("the signature time-stamp does not verify or covers another signature value");
                return;
            }
            sig.signatureTimestamp = true;
            Instant gen = t.getTimeStampInfo().getGenTime().toInstant();
            if (!integrityOnly) {
                Set<X509Certificate> certs = withCertificates(pool.certs, t.getCertificates());
                Trust tr = trust(tsa, certs, pool.ocsps, pool.crls, gen);
                if (!tr.trusted) {
                    sig.warnings.add("the signature time-stamp's authority is not trusted (" + tr.reason + "); its time is not used");
                    return;
                }
            }
            sig.proven = gen;
        } catch (Exception e) {
            sig.failures.add("cannot read the signature time-stamp: " + e.getMessage());
        }
    }

    private void checkDocumentTimestamp(byte[] der, long[] br, Sig sig, Pool pool) {
        try {
            TimeStampToken t = new TimeStampToken(new CMSSignedData(ContentInfo.getInstance(der)));
            String alg = t.getTimeStampInfo().getMessageImprintAlgOID().getId();
            byte[] hash = digestRanges(alg, br);
            X509Certificate tsa = TimestampClient.verifyToken(t);
            boolean imprint = MessageDigest.isEqual(hash, t.getTimeStampInfo().getMessageImprintDigest());
            sig.intact = tsa != null && imprint;
            if (!imprint) {
                sig.failures.add("the document bytes in the /ByteRange do not match the time-stamped digest: modified after time-stamping");
            } else if (tsa == null) {
                sig.failures.add("the document time-stamp's signature does not verify");
            }
            if (tsa == null) {
                return;
            }
            sig.signer = tsa.getSubjectX500Principal().getName();
            sig.proven = t.getTimeStampInfo().getGenTime().toInstant();
            Instant expiry = tsa.getNotAfter().toInstant();
            if (expiry.isBefore(Instant.now().plus(java.time.Duration.ofDays(90)))) {
                sig.warnings.add("the time-stamping certificate of this document time-stamp expires " + expiry
                        + ": add a fresh one before then (pdf extend --level B-LTA)");
            }
            if (!integrityOnly) {
                Set<X509Certificate> certs = withCertificates(pool.certs, t.getCertificates());
                record(sig, trust(tsa, certs, pool.ocsps, pool.crls, sig.proven));
            }
        } catch (Exception e) {
            sig.failures.add("/Contents holds no readable RFC 3161 time-stamp token: " + e.getMessage());
        }
    }

    private static void record(Sig sig, Trust t) {
        sig.trusted = t.trusted;
        sig.revocation = t.revocation;
        sig.revocationComplete = t.revocationComplete;
        if (!t.revocationComplete) {
            sig.warnings.add("revocation status not established offline: " + t.revocation
                    + " (extend to B-LT to embed it)");
        }
        if (!t.trusted) {
            sig.failures.add("not trusted: " + t.reason);
        }
        sig.failures.addAll(t.revoked);
    }

    /** The pool plus every certificate of a CMS or time-stamp token. */
    private static Set<X509Certificate> withCertificates(Set<X509Certificate> pool, org.bouncycastle.util.Store<X509CertificateHolder> store) {
        Set<X509Certificate> certs = new LinkedHashSet<>(pool);
        for (X509CertificateHolder h : store.getMatches(null)) {
            certs.add(Certificates.convert(h));
        }
        return certs;
    }

    private static boolean essMatches(AttributeTable signed, X509CertificateHolder cert) {
        try {
            byte[] der = cert.getEncoded();
            Attribute v2 = signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            if (v2 != null) {
                ESSCertIDv2 id = SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0)).getCerts()[0];
                MessageDigest md = MessageDigest.getInstance(id.getHashAlgorithm().getAlgorithm().getId(), Providers.bc());
                return MessageDigest.isEqual(md.digest(der), id.getCertHash());
            }
            Attribute v1 = signed.get(PKCSObjectIdentifiers.id_aa_signingCertificate);
            if (v1 != null) {
                byte[] h = SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0)).getCerts()[0].getCertHash();
                return MessageDigest.isEqual(MessageDigest.getInstance("SHA-1").digest(der), h);
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private record Trust(boolean trusted, String reason, String revocation, boolean revocationComplete, List<String> revoked) {
    }

    private Trust trust(X509Certificate leaf, Set<X509Certificate> pool, List<OCSPResp> ocsps, List<X509CRL> documentCrls, Instant at) {
        List<X509CRL> crls = new ArrayList<>(documentCrls);
        crls.addAll(givenCrls);
        List<X509Certificate> all = new ArrayList<>(pool);
        all.addAll(anchors);
        List<X509Certificate> chain = Certificates.chain(leaf, all, false);
        List<String> revoked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (anchors.contains(c) || Certificates.hasOcspNoCheck(c)) {
                continue;
            }
            Revocation.Finding f = Revocation.find(c, chain.get(i + 1), ocsps, crls);
            if (f == null) {
                missing.add(Certificates.commonName(c));
            } else {
                checked++;
                if (f.status() == Revocation.Status.REVOKED && !f.revokedAt().isAfter(at)) {
                    revoked.add("the certificate " + c.getSubjectX500Principal().getName() + " was revoked at " + f.revokedAt()
                            + " (" + f.source() + ")");
                }
            }
        }
        String revocation = missing.isEmpty() ? (checked == 0 ? "nothing to check" : (givenCrls.isEmpty() ? "good: embedded OCSP/CRL data for " : "good: embedded or given OCSP/CRL data for ")
                + checked + " certificate(s)") : "no embedded revocation data for " + String.join(", ", missing);
        if (anchors.isEmpty()) {
            return new Trust(false, "no trust anchors were given (pass --trust CAFILE)", revocation, missing.isEmpty(), revoked);
        }
        int cut = -1;
        for (int i = 0; i < chain.size(); i++) {
            if (anchors.contains(chain.get(i))) {
                cut = i;
                break;
            }
        }
        List<X509Certificate> path;
        TrustAnchor ta;
        if (cut >= 0) {
            path = chain.subList(0, cut);
            ta = new TrustAnchor(chain.get(cut), null);
        } else {
            X509Certificate last = chain.get(chain.size() - 1);
            X509Certificate anchor = Certificates.findIssuer(last, anchors);
            if (anchor == null) {
                return new Trust(false, "no path from " + Certificates.commonName(leaf) + " to a trust anchor (the chain ends at "
                        + last.getSubjectX500Principal().getName() + ")", revocation, missing.isEmpty(), revoked);
            }
            path = chain;
            ta = new TrustAnchor(anchor, null);
        }
        if (path.isEmpty()) {
            return new Trust(true, "", revocation, missing.isEmpty(), revoked);
        }
        try {
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(ta));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
            return new Trust(true, "", revocation, missing.isEmpty(), revoked);
        } catch (Exception e) {
            return new Trust(false, "the certificate path is not valid at " + at + ": " + e.getMessage(), revocation,
                    missing.isEmpty(), revoked);
        }
    }

    /** Something read from the document as it was at one revision. */
    private interface RevisionReader<T> {
        T read(PDDocument revision) throws IOException;
    }

    /**
     * Reads the revision ending at {@code end} from a copy of its bytes (PDFBox's view over a file
     * prefix does not serve object streams reliably).
     */
    private <T> T atRevision(long end, RevisionReader<T> reader) throws IOException {
        Path prefix = java.nio.file.Files.createTempFile("hsmkit-revision-", ".pdf");
        try {
            try (InputStream in = java.nio.file.Files.newInputStream(file);
                 java.io.OutputStream out = java.nio.file.Files.newOutputStream(prefix)) {
                byte[] buf = new byte[1 << 16];
                long left = end;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
            try (PDDocument older = Loader.loadPDF(prefix.toFile(), password == null ? "" : new String(password))) {
                return reader.read(older);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(prefix);
        }
    }

    private List<Change> changesAfter(PDDocument finalDoc, long end, int certification) {
        try {
            return atRevision(end, older -> RevisionDiff.changes(older, finalDoc, certification));
        } catch (IOException e) {
            return List.of(new Change(false, "the signed revision cannot be read on its own: " + e.getMessage()));
        }
    }

    private Pool poolAt(long end, Map<Long, Pool> cache) {
        return cache.computeIfAbsent(end, e -> {
            try {
                return atRevision(e, Pool::new);
            } catch (IOException ex) {
                return new Pool(null);
            }
        });
    }

    /** Whether the revocation data in {@code pool} speaks for every certificate of the signer's path. */
    private boolean revocationCovered(Sig s, Pool pool) {
        if (s.signerCert == null) {
            return false;
        }
        List<X509Certificate> all = new ArrayList<>(s.certs);
        all.addAll(pool.certs);
        all.addAll(anchors);
        List<X509Certificate> chain = Certificates.chain(s.signerCert, all, false);
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (anchors.contains(c) || Certificates.hasOcspNoCheck(c)) {
                continue;
            }
            if (Revocation.find(c, chain.get(i + 1), pool.ocsps, pool.crls) == null) {
                return false;
            }
        }
        return true;
    }

    /** Levels need all signatures: a later document time-stamp lifts earlier signatures to T/LTA. */
    private void assignLevels(List<Sig> sigs, Pool pool) {
        Map<Long, Pool> pools = new java.util.HashMap<>();
        for (int i = 0; i < sigs.size(); i++) {
            Sig s = sigs.get(i);
            if (s.kind != Kind.SIGNATURE || !s.pades) {
                if (s.kind == Kind.SIGNATURE && !s.pades) {
                    s.level = "adbe.pkcs7.detached".equals(s.subFilter) ? "PKCS#7 (not PAdES)" : "CMS (not PAdES baseline)";
                }
                continue;
            }
            List<Sig> laterDocTs = new ArrayList<>();
            for (int j = i + 1; j < sigs.size(); j++) {
                if (sigs.get(j).kind == Kind.DOCUMENT_TIMESTAMP && sigs.get(j).intact) {
                    laterDocTs.add(sigs.get(j));
                }
            }
            String level = "B-B";
            if (s.signatureTimestamp || !laterDocTs.isEmpty()) {
                level = "B-T";
                if (s.revocationComplete && (!pool.ocsps.isEmpty() || !pool.crls.isEmpty())) {
                    level = "B-LT";
                    // B-LTA: a document time-stamp whose revision already held the validation data.
                    for (Sig d : laterDocTs) {
                        if (revocationCovered(s, poolAt(d.end, pools))) {
                            level = "B-LTA";
                            break;
                        }
                    }
                }
            }
            s.level = level;
        }
    }
}
