package org.hsmkit.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.WorkFiles;
import org.hsmkit.pdf.internal.CadesSignature;
import org.hsmkit.pdf.internal.Certificates;
import org.hsmkit.pdf.internal.Increments;
import org.hsmkit.pdf.internal.PdfFiles;
import org.hsmkit.pdf.internal.SignatureAppearance;
import org.hsmkit.pdf.internal.TimestampClient;
import org.hsmkit.pdf.internal.ValidationDataCollector;

/**
 * Signs PDFs with a {@link TokenKey} at a PAdES baseline level (SubFilter ETSI.CAdES.detached).
 *
 * <p>Guarantees: the input is never changed; the signature is appended as an incremental update,
 * so earlier signatures stay valid; the private key is used once per document (hashing happens on
 * the host); /Contents is sized from a dry run of the CMS plus the TSA's token size, never padded
 * with kilobytes of zeros; and the output appears at its destination only after it was written
 * completely and its new signature verified. One instance can sign many documents (the token
 * login, the CMS size and the TSA's token size are reused). Not thread-safe.
 */
public final class PadesSigner {
    private final TokenKey key;
    private final PadesLevel level;
    private final DigestAlgorithm digest;
    private final SignatureScheme scheme;
    private final TimestampClient tsa;
    private final String reason;
    private final String location;
    private final String contactInfo;
    private final VisibleSignature visible;
    private final Path visibleImage;
    private final boolean transparent;
    private final DocMdpPermission certify;
    private final String field;
    private final char[] password;
    private final ValidationDataSources validationData;
    private final List<X509Certificate> issuers;
    private List<X509Certificate> chain;
    private CadesSignature cades;
    private int cmsSize = -1;

    private PadesSigner(Builder b) {
        this.key = b.key;
        this.level = b.level;
        this.digest = b.digest;
        this.scheme = b.scheme == null ? SignatureScheme.defaultFor(b.key.type()) : b.scheme;
        this.tsa = b.tsaUrl == null ? null : new TimestampClient(b.tsaUrl);
        this.reason = b.reason;
        this.location = b.location;
        this.contactInfo = b.contactInfo;
        this.visible = b.visible;
        this.visibleImage = b.visibleImage;
        this.transparent = b.transparent;
        if ((visibleImage != null || transparent) && visible == null) {
            throw new HsmkitException(ErrorKind.USAGE, "an image or a transparent background needs a visible signature",
                    "give its position too (--visible PAGE:X,Y,W,H)");
        }
        if (visibleImage != null) {
            checkImage(visibleImage);
        }
        this.certify = b.certify;
        this.field = b.field;
        this.password = b.password == null ? null : b.password.clone();
        this.validationData = b.validationData;
        this.issuers = b.issuers;
        if (level.needsTimestamp() && tsa == null) {
            throw new HsmkitException(ErrorKind.USAGE, "level " + level + " needs a time-stamping authority",
                    "give --tsa URL, or sign at --level B-B");
        }
        if (!scheme.fits(key.type())) {
            throw new HsmkitException(ErrorKind.USAGE, scheme + " does not fit the " + key.type() + " key",
                    key.type().isRsa() ? "use an RSA scheme (pkcs1 or pss)" : "ECDSA keys sign with ecdsa");
        }
    }

    public static Builder builder(TokenKey key) {
        return new Builder(key);
    }

    /**
     * What one signing produced.
     *
     * @param warnings what verifiers will object to in the output, such as B-LT revocation data signed with SHA-1
     */
    public record Result(Path output, PadesLevel level, String signer, Instant signingTime, int reservedBytes, int cmsBytes,
            List<String> warnings) {
    }

    private int[] lastByteRange;
    private byte[] lastCms;

    /**
     * Signs {@code input} into {@code output}.
     *
     * @param force replace an existing output
     * @throws HsmkitException with nothing written at {@code output} on any failure
     */
    public Result sign(Path input, Path output, boolean force) {
        AtomicOutput.checkTarget(output, force, input);
        PdfFiles.size(input);
        prepare();
        Path stage1 = null;
        Path stage2 = null;
        try (AtomicOutput out = AtomicOutput.toFile(output, force, input)) {
            Result r;
            ValidationDataCollector collector = null;
            if (level.compareTo(PadesLevel.B_LT) < 0) {
                r = signRevisionOf(input, out.stream(), output);
            } else {
                stage1 = tempBeside(output);
                try (OutputStream s = Files.newOutputStream(stage1)) {
                    r = signRevisionOf(input, s, output);
                }
                collector = new ValidationDataCollector(validationData);
                if (level == PadesLevel.B_LT) {
                    Increments.addDss(stage1, password, collector, out.stream());
                } else {
                    stage2 = tempBeside(output);
                    try (OutputStream s = Files.newOutputStream(stage2)) {
                        Increments.addDss(stage1, password, collector, s);
                    }
                    Increments.addDocumentTimestamp(stage2, password, tsa, digest, out.stream());
                }
            }
            out.stream().flush();
            if (level.compareTo(PadesLevel.B_LT) < 0) {
                SelfCheck.requireSignedAsIntended(out.temporaryFile(), lastByteRange, lastCms);
            } else {
                SelfCheck.requireIntact(out.temporaryFile(), password, chain.get(0));
            }
            out.commit();
            return collector == null ? r : new Result(r.output(), r.level(), r.signer(), r.signingTime(), r.reservedBytes(), r.cmsBytes(),
                    collector.warnings());
        } catch (IOException e) {
            throw HsmkitException.io("cannot write " + output + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(stage1);
            deleteQuietly(stage2);
        }
    }

    private static Path tempBeside(Path output) throws IOException {
        return WorkFiles.beside(output, ".stage");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a hidden leftover beside the output; nothing secret in it
            }
        }
    }

    /** Finds the chain, checks the certificate, sizes the CMS; done once per signer. */
    private void prepare() {
        if (cades != null) {
            return;
        }
        List<X509Certificate> c = key.certificateChain();
        if (c.isEmpty()) {
            throw HsmkitException.key("the key '" + key.label() + "' has no certificate", TokenKey.NO_CERTIFICATE_HINT);
        }
        X509Certificate cert = c.get(0);
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw HsmkitException.key("the certificate of '" + key.label() + "' is not valid now (" + cert.getNotBefore()
                    + " to " + cert.getNotAfter() + ")", "use a key with a current certificate");
        }
        boolean[] ku = cert.getKeyUsage();
        if (ku != null && !ku[0] && !ku[1]) {
            throw HsmkitException.key("the certificate of '" + key.label()
                    + "' allows neither digitalSignature nor nonRepudiation", "use a signing certificate");
        }
        List<X509Certificate> pool = new ArrayList<>(c);
        pool.addAll(issuers);
        List<X509Certificate> full = Certificates.chain(cert, pool, validationData.online());
        chain = full;
        cades = new CadesSignature(key, scheme, digest, chain);
        cmsSize = cades.estimatedSize();
    }

    /**
     * {@link #signRevision}, with the unchecked exceptions PDFBox throws while it adds the signature
     * to a malformed document (a page tree whose /Type is wrong or whose /Count lies, a document
     * without pages; found by fuzzing), and its stack overflow on objects nested too deeply, reported as the
     * input error they are, not as a failure of hsmkit.
     */
    private Result signRevisionOf(Path input, OutputStream out, Path output) throws IOException {
        try {
            return signRevision(input, out, output);
        } catch (HsmkitException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!thrownInPdfBox(e)) {
                throw e; // hsmkit's own, or the token's: not the document's fault
            }
            throw HsmkitException.input("cannot sign " + input + ": its structure is malformed (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", REPAIR_HINT, e);
        } catch (StackOverflowError e) {
            if (!thrownInPdfBox(e)) {
                throw e;
            }
            // PDFBox follows references recursively when it saves the increment (found by fuzzing)
            throw HsmkitException.input("cannot sign " + input + ": its objects refer to each other too deeply to be followed",
                    REPAIR_HINT, e);
        }
    }

    private static final String REPAIR_HINT = "open it in a PDF reader and save a repaired copy (or print it to PDF), then sign that";

    /** Whether PDFBox threw {@code e} (from its own code or a JDK collection it used), not hsmkit or the token. */
    private static boolean thrownInPdfBox(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.apache.pdfbox.")) {
                return true;
            }
            if (f.getClassName().startsWith("org.hsmkit.")) {
                return false;
            }
        }
        return false;
    }

    private Result signRevision(Path input, OutputStream out, Path output) throws IOException {
        try (PDDocument doc = PdfFiles.open(input, password)) {
            int certified = PdfFiles.certificationLevel(doc);
            if (certified == 1) {
                throw HsmkitException.input(input + " is certified with DocMDP P=1: its author allows no changes, not even signatures",
                        "ask the author for a version certified with P=2 or without certification");
            }
            boolean hasSignatures = !doc.getSignatureDictionaries().isEmpty();
            if (certify != null && hasSignatures) {
                throw new HsmkitException(ErrorKind.USAGE, "only the first signature of a document can certify; "
                        + input + " is signed already", "sign without --certify");
            }
            var permission = doc.getCurrentAccessPermission();
            if (doc.isEncrypted() && !permission.isOwnerPermission() && !permission.canFillInForm()
                    && !permission.canModifyAnnotations()) {
                // A signature is a form field with an annotation: the document's permissions must allow one of them.
                throw HsmkitException.input(input + " does not permit signing with this password (no form filling or annotations)",
                        "open it with the owner password via --password-file");
            }
            Instant now = Instant.now();
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            String signer = Certificates.commonName(chain.get(0));
            sig.setName(signer);
            if (reason != null) {
                sig.setReason(reason);
            }
            if (location != null) {
                sig.setLocation(location);
            }
            if (contactInfo != null) {
                sig.setContactInfo(contactInfo);
            }
            Calendar cal = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            cal.setTimeInMillis(now.toEpochMilli());
            sig.setSignDate(cal);
            if (certify != null) {
                PdfFiles.certify(doc, sig, certify.value());
            }
            int reserved = cmsSize + (level.needsTimestamp() ? tsa.tokenSize(digest) + 32 : 0) + 256;
            try (SignatureOptions opts = new SignatureOptions()) {
                opts.setPreferredSignatureSize(reserved);
                if (field != null) {
                    useField(doc, sig, input);
                }
                if (visible != null) {
                    int pageNumber = visible.pageIn(doc.getNumberOfPages());
                    if (pageNumber > doc.getNumberOfPages()) {
                        throw new HsmkitException(ErrorKind.USAGE, "page " + pageNumber + " does not exist; "
                                + input + " has " + doc.getNumberOfPages(), "choose a page from 1 to " + doc.getNumberOfPages()
                                + ", or 'last'");
                    }
                    PDPage page = doc.getPage(pageNumber - 1);
                    PDRectangle box = page.getMediaBox();
                    if (visible.x() + visible.width() > box.getUpperRightX() || visible.y() + visible.height() > box.getUpperRightY()) {
                        // PDFBox would place it off the page, where no viewer shows it
                        throw new HsmkitException(ErrorKind.USAGE, String.format(java.util.Locale.ROOT,
                                "the visible signature (%s,%s, %s × %s points) does not fit on page %d (%s × %s points)",
                                points(visible.x()), points(visible.y()), points(visible.width()), points(visible.height()), pageNumber,
                                points(box.getWidth()), points(box.getHeight())),
                                "choose a position and size inside the page, e.g. 1:50,50,220,70");
                    }
                    opts.setVisualSignature(SignatureAppearance.template(page.getMediaBox(), page.getRotation(), visible,
                            new SignatureAppearance.Content(signer, ZonedDateTime.ofInstant(now, ZoneOffset.UTC), reason, location,
                                    visibleImage, !transparent)));
                    opts.setPage(pageNumber - 1);
                }
                doc.addSignature(sig, opts);
                ExternalSigningSupport ext = doc.saveIncrementalForExternalSigning(out);
                byte[] cms;
                try (InputStream content = ext.getContent()) {
                    cms = cades.sign(content, level.needsTimestamp() ? tsa : null);
                }
                if (cms.length > reserved) {
                    throw new IllegalStateException("the signature (" + cms.length + " bytes) outgrew the reserved "
                            + reserved + " bytes");
                }
                ext.setSignature(cms);
                lastByteRange = sig.getByteRange();
                lastCms = cms;
                return new Result(output, level, signer, now, reserved, cms.length, List.of());
            }
        }
    }

    /** A length in points as people write it: 612, not 612.0. */
    private static String points(float v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private void useField(PDDocument doc, PDSignature sig, Path input) {
        PDAcroForm form = doc.getDocumentCatalog().getAcroForm(null);
        PDField f = form == null ? null : form.getField(field);
        if (!(f instanceof PDSignatureField sf)) {
            throw HsmkitException.input(input + " has no signature field named '" + field + "'",
                    "leave out --field to add a new field, or list the fields with 'pdf verify'");
        }
        if (sf.getCOSObject().getDictionaryObject(COSName.V) != null) {
            throw HsmkitException.input("the signature field '" + field + "' is signed already",
                    "leave out --field to add a new signature field");
        }
        sf.getCOSObject().setItem(COSName.V, sig);
        sf.getCOSObject().setNeedToBeUpdated(true);
    }

    /** Options for a {@link PadesSigner}. */
    public static final class Builder {
        private final TokenKey key;
        private PadesLevel level = PadesLevel.B_B;
        private DigestAlgorithm digest = DigestAlgorithm.SHA256;
        private SignatureScheme scheme;
        private String tsaUrl;
        private String reason;
        private String location;
        private String contactInfo;
        private VisibleSignature visible;
        private Path visibleImage;
        private boolean transparent;
        private DocMdpPermission certify;
        private String field;
        private char[] password;
        private ValidationDataSources validationData = ValidationDataSources.fetching();
        private List<X509Certificate> issuers = List.of();

        private Builder(TokenKey key) {
            this.key = key;
        }

        /**
         * Certificates to find the signer's issuers among, besides those stored with the key on its
         * token: the signature carries the certificate path up to its root, as far as these reach
         * (and, at B-LT and above when fetching, as far as the certificates' issuer URLs reach).
         * Certificates outside the path are left out.
         */
        public Builder issuers(List<X509Certificate> issuers) {
            this.issuers = List.copyOf(issuers);
            return this;
        }

        public Builder level(PadesLevel level) {
            this.level = level;
            return this;
        }

        public Builder digest(DigestAlgorithm digest) {
            this.digest = digest;
            return this;
        }

        /** RSA_PKCS1 (default for RSA), RSA_PSS, or ECDSA (EC keys). */
        public Builder scheme(SignatureScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        /** The RFC 3161 time-stamping authority for B-T and above. */
        public Builder tsa(String url) {
            this.tsaUrl = url;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder location(String location) {
            this.location = location;
            return this;
        }

        public Builder contactInfo(String contactInfo) {
            this.contactInfo = contactInfo;
            return this;
        }

        /** Draws a visible appearance; invisible by default. */
        public Builder visible(VisibleSignature visible) {
            this.visible = visible;
            return this;
        }

        /**
         * Draws a PNG or JPEG image (a logo, a scanned handwritten signature) at the left of the
         * visible signature, scaled to its height and at most two fifths of its width.
         */
        public Builder visibleImage(Path image) {
            this.visibleImage = image;
            return this;
        }

        /** Leaves the visible signature's background transparent instead of opaque white. */
        public Builder transparentBackground(boolean transparent) {
            this.transparent = transparent;
            return this;
        }

        /** Makes this a certification signature (first signature only). */
        public Builder certify(DocMdpPermission permission) {
            this.certify = permission;
            return this;
        }

        /** Signs an existing empty signature field instead of adding one. */
        public Builder field(String name) {
            this.field = name;
            return this;
        }

        /** The password of an encrypted input; copied (clear yours). */
        public Builder password(char[] password) {
            this.password = password == null ? null : password.clone();
            return this;
        }

        public Builder validationData(ValidationDataSources sources) {
            this.validationData = sources;
            return this;
        }

        public PadesSigner build() {
            return new PadesSigner(this);
        }
    }

    /** Refuses, before anything is written, an image that is not a readable PNG or JPEG file. */
    private static void checkImage(Path image) {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(image)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (java.nio.file.NoSuchFileException e) {
            throw HsmkitException.input("the image " + image + " does not exist", "check the --visible-image path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the image " + image + ": " + e.getMessage(), e);
        }
        boolean png = n == 8 && head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
        boolean jpeg = n >= 3 && head[0] == (byte) 0xff && head[1] == (byte) 0xd8 && head[2] == (byte) 0xff;
        if (!png && !jpeg) {
            throw HsmkitException.input(image + " is neither a PNG nor a JPEG image", "give the image as PNG or JPEG");
        }
    }

    /** Clears the password copy. */
    public void clear() {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
