package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

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
import org.hsmkit.core.HsmkitException;
import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.SignatureReport;
import org.hsmkit.pdf.SignatureReport.Change;
import org.hsmkit.pdf.SignatureReport.Kind;
import org.hsmkit.pdf.SubIndication;

/**
 * One verification of one file. Each signature is checked on the raw bytes (byte range, the gap
 * holding exactly this dictionary's /Contents, revision ends), cryptographically and for trust
 * ({@link CmsChecks}, {@link TrustCheck}), and for what later revisions changed
 * ({@link RevisionDiff}); the verdict is given in ETSI EN 319 102-1 terms.
 */
public final class Verification {
    private final Path file;
    private final char[] password;
    private final TrustCheck trust;
    private final boolean integrityOnly;

    /**
     * @param integrityOnly check integrity and byte ranges only (the signer's re-check of its own output)
     * @param requireRevocation a path without embedded revocation data is INDETERMINATE/TRY_LATER, not a warning
     * @param crls CRLs the verifier holds, consulted beside the document's own revocation data
     */
    public Verification(Path file, char[] password, List<X509Certificate> anchors, boolean integrityOnly, boolean requireRevocation,
            List<X509CRL> crls) {
        this(file, password, anchors, List.of(), integrityOnly, requireRevocation, crls);
    }

    /** @param intermediates CA certificates (not trusted) to build signers' paths from beside the document's */
    public Verification(Path file, char[] password, List<X509Certificate> anchors, List<X509Certificate> intermediates,
            boolean integrityOnly, boolean requireRevocation, List<X509CRL> crls) {
        this.file = file;
        this.password = password;
        this.trust = new TrustCheck(anchors, intermediates, requireRevocation, crls);
        this.integrityOnly = integrityOnly;
    }

    /**
     * The index without the {@code %%EOF} markers in stream data (a PDF attached uncompressed):
     * looked for only when the chain is sound but misses a revision, since it reads the document
     * once more.
     */
    private RevisionIndex withoutAttachedMarkers(RevisionIndex index, RevisionReader revisions) {
        if (index.count() < 2) {
            return index;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"); PDDocument doc = revisions.asItIs()) {
            return index.withoutMarkersInStreams(doc, raf);
        } catch (IOException | RuntimeException e) {
            return index; // it does not open as it is: read as before, from the repaired copy, damage reported
        }
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
            if (PdfFiles.indexOf(head, "%PDF-".getBytes(StandardCharsets.US_ASCII), 0) < 0) {
                throw HsmkitException.input(file + " is not a PDF (no %PDF- header)", "give a PDF file");
            }
            long trailing = trailingGarbage(raf, index.lastEnd(), size);
            if (trailing > 0) {
                problems.add(trailing + " bytes after the last %%EOF belong to no revision: content appended that no signature covers");
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
        RevisionReader revisions = new RevisionReader(file, password, index);
        List<String> warnings = new ArrayList<>();
        RevisionReader.Opened opened;
        try {
            List<String> damage = revisions.damage(size);
            RevisionIndex withoutAttached = XrefChain.onlyMissesRevisions(damage) ? withoutAttachedMarkers(index, revisions) : index;
            if (withoutAttached != index) {
                index = withoutAttached;
                revisions = new RevisionReader(file, password, index);
                damage = revisions.damage(size);
            }
            if (!damage.isEmpty()) {
                warnings.add("the cross-reference chain is damaged (" + String.join("; ", damage) + "); hsmkit read the"
                        + " file as PDF readers repair it, from the objects themselves");
            }
            opened = revisions.whole();
        } catch (InvalidPasswordException e) {
            throw HsmkitException.input(file + " is encrypted and needs its password", "give it with --password-file FILE");
        } catch (IOException e) {
            throw HsmkitException.input("cannot read " + file + " as a PDF: " + e.getMessage(), "check that it is a complete PDF", e);
        }
        try (opened) {
            PDDocument doc = opened.document();
            CmsChecks cms = new CmsChecks(file, trust, integrityOnly);
            List<SignatureState> sigs = new ArrayList<>();
            Map<COSDictionary, String> names = fieldNames(doc);
            ValidationPool pool = integrityOnly ? null : new ValidationPool(doc);
            int certification = PdfFiles.certificationLevel(doc);
            for (PDSignature s : doc.getSignatureDictionaries()) {
                SignatureState sig = new SignatureState();
                sig.field = names.getOrDefault(s.getCOSObject(), "(unnamed)");
                sig.certification = PdfFiles.docMdpP(s.getCOSObject());
                checkOne(doc, s, sig, index, size, pool, cms);
                if (!integrityOnly && sig.byteRangeValid && !sig.coversWhole) {
                    sig.changes = changesAfter(revisions, doc, sig.end, certification);
                    for (Change c : sig.changes) {
                        if (!c.allowed()) {
                            sig.fail(SubIndication.CHANGED_AFTER_SIGNING, "changed after signing: " + c.description());
                        }
                    }
                }
                sigs.add(sig);
            }
            sigs.sort((x, y) -> Long.compare(x.end, y.end));
            LevelAssignment levels = integrityOnly ? null : new LevelAssignment(revisions, trust);
            if (levels != null) {
                levels.assign(sigs, pool);
            }
            judgeWeakAlgorithms(sigs, levels == null ? (ts, data) -> false : levels::held);
            List<SignatureReport> reports = new ArrayList<>();
            for (SignatureState s : sigs) {
                reports.add(s.report(index.count()));
            }
            return new PdfReport(file.toString(), size, index.count(), reports, problems, warnings);
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

    private void checkOne(PDDocument doc, PDSignature s, SignatureState sig, RevisionIndex index, long size, ValidationPool pool,
            CmsChecks cms) {
        COSDictionary d = s.getCOSObject();
        sig.subFilter = d.getNameAsString(COSName.SUB_FILTER);
        boolean docTs = COSName.DOC_TIME_STAMP.equals(d.getCOSName(COSName.TYPE)) || "ETSI.RFC3161".equals(sig.subFilter);
        sig.kind = docTs ? Kind.DOCUMENT_TIMESTAMP : Kind.SIGNATURE;
        sig.level = docTs ? "document time-stamp" : "not PAdES";
        if (s.getSignDate() != null) {
            sig.claimed = s.getSignDate().toInstant();
        }
        COSObjectKey key = d.getKey();
        Long offset = key == null ? null : doc.getDocument().getXrefTable().get(key);
        // a signature that covers nothing real is placed where its dictionary is (reports list them by position)
        sig.end = offset == null || offset < 0 || offset > size ? 0 : offset;
        sig.revision = index.revisionAt(sig.end);
        // Universal signature forgery: a signature without a usable /ByteRange or /Contents proves nothing.
        long[] br = byteRange(d);
        COSBase contentsObj = d.getDictionaryObject(COSName.CONTENTS);
        if (br == null) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/ByteRange is missing or malformed: the signature covers nothing"
                    + " (universal signature forgery)");
            return;
        }
        if (!(contentsObj instanceof COSString contents) || contents.getBytes().length == 0) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/Contents is missing or empty: there is no signature (universal signature forgery)");
            return;
        }
        long a = br[0];
        long b = br[1];
        long c = br[2];
        long len2 = br[3];
        // written so that no sum can overflow: the numbers are the file's, and may be anything
        if (a != 0 || b <= 0 || c <= b || len2 < 0 || c > size || len2 > size - c) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/ByteRange [" + a + " " + b + " " + c + " " + len2 + "] does not describe a part"
                    + " of this " + size + "-byte file that starts at 0 (universal signature forgery)");
            return;
        }
        sig.end = c + len2;
        sig.revision = index.revisionAt(sig.end);
        boolean rangeOk = true;
        if (!gapHoldsContents(b, c, contents.getBytes())) {
            sig.fail(SubIndication.FORMAT_FAILURE, "the bytes the /ByteRange leaves out are not exactly this signature's /Contents"
                    + " (signature wrapping)");
            rangeOk = false;
        }
        if (offset == null || offset <= 0 || offset >= b) {
            sig.fail(SubIndication.FORMAT_FAILURE, "the signature dictionary in force is not the one inside the signed bytes"
                    + " (it was redefined by a later revision or lies outside the byte range)");
            rangeOk = false;
        }
        if (!index.isRevisionEnd(sig.end)) {
            sig.fail(SubIndication.FORMAT_FAILURE, "the signed range ends at byte " + sig.end + ", which is not the end of a revision");
            rangeOk = false;
        }
        sig.byteRangeValid = rangeOk;
        sig.coversWhole = rangeOk && sig.revision == index.count() && sig.end >= index.lastEnd() - 2;
        byte[] der;
        try {
            der = Increments.trimmed(contents.getBytes());
        } catch (Exception e) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/Contents holds no readable CMS structure (universal signature forgery)");
            return;
        }
        try {
            if (docTs) {
                cms.documentTimestamp(der, br, sig, pool);
            } else {
                cms.signature(der, br, sig, pool);
            }
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle parses the CMS lazily and reports a wrong structure with unchecked exceptions
            sig.intact = false;
            sig.trusted = false;
            sig.fail(SubIndication.FORMAT_FAILURE, "/Contents holds a malformed CMS structure (" + e.getClass().getSimpleName() + ")");
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
            return Arrays.equals(HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII)), contents);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static List<Change> changesAfter(RevisionReader revisions, PDDocument finalDoc, long end, int certification) {
        try {
            return revisions.at(end, older -> RevisionDiff.changes(older, finalDoc, certification));
        } catch (IOException e) {
            return List.of(new Change(false, "the signed revision cannot be read on its own: " + e.getMessage()));
        }
    }

    /**
     * Signatures and document time-stamps whose algorithms or keys are weak stand when something
     * trusted proves they existed before the weakness's end date: a signature's own time-stamp, or
     * a later document time-stamp that covers it and itself stands (as DSS takes an archive
     * time-stamp for proof of existence). A document time-stamp's own time proves nothing of
     * itself. Weak revocation data stands likewise when a later document time-stamp that stands
     * proves it: one whose revision already held it ({@code held}). {@code sigs} are in file order,
     * so the later ones are judged first.
     */
    static void judgeWeakAlgorithms(List<SignatureState> sigs, BiPredicate<SignatureState, Object> held) {
        for (int i = sigs.size() - 1; i >= 0; i--) {
            SignatureState s = sigs.get(i);
            List<SignatureState> proving = new ArrayList<>();
            for (SignatureState later : sigs.subList(i + 1, sigs.size())) {
                if (later.kind == Kind.DOCUMENT_TIMESTAMP && later.end > s.end && later.trusted && !later.failed()
                        && later.proven != null) {
                    proving.add(later);
                }
            }
            java.time.Instant own = s.kind == Kind.SIGNATURE ? s.proven : null;
            s.judgeWeakness(earliest(own, proving, ts -> true),
                    data -> earliest(null, proving, ts -> held.test(ts, data.data())));
        }
    }

    private static java.time.Instant earliest(java.time.Instant own, List<SignatureState> proving, Predicate<SignatureState> which) {
        java.time.Instant existed = own;
        for (SignatureState ts : proving) {
            if (which.test(ts) && (existed == null || ts.proven.isBefore(existed))) {
                existed = ts.proven;
            }
        }
        return existed;
    }
}
