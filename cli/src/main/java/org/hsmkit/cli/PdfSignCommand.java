package org.hsmkit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.pdf.DocMdpPermission;
import org.hsmkit.pdf.PadesLevel;
import org.hsmkit.pdf.PadesSigner;
import org.hsmkit.pdf.VisibleSignature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pdf sign}: one PAdES signature with a token key, appended as an incremental update. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign PDFs with a key on the token (PAdES, SubFilter ETSI.CAdES.detached).",
            "Writes IN-signed.pdf beside each input (or in --output-dir) unless -o is given; inputs are never changed.",
            "Several inputs share one login."})
final class PdfSignCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "the signing key: a PKCS#11 URI or a label")
    String key;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "B-B",
            description = "B-B, B-T (time-stamp), B-LT (plus validation data), B-LTA (plus document time-stamp); default ${DEFAULT-VALUE}")
    String level;

    @Option(names = "--tsa", paramLabel = "URL", description = "RFC 3161 time-stamping authority (B-T and above)")
    String tsa;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why the document is signed")
    String reason;

    @Option(names = "--location", paramLabel = "TEXT", description = "where it is signed")
    String location;

    @Option(names = "--visible", paramLabel = "[PAGE:]X,Y,W,H",
            description = "draw the signature on a page (1-based or 'last'; default 1) at X,Y (points from the lower left),"
                    + " W wide, H high: an opaque box with the signer's name, date, reason and location sized to fit")
    String visible;

    @Option(names = "--visible-page", paramLabel = "PAGE|last",
            description = "the page of the visible signature (default box " + DEFAULT_BOX + " when --visible is not given)")
    String visiblePage;

    @Option(names = "--visible-image", paramLabel = "FILE",
            description = "a PNG or JPEG image (logo, scanned handwritten signature) drawn at the left of the visible signature")
    String visibleImage;

    @Option(names = "--visible-transparent", description = "leave the visible signature's background transparent")
    boolean visibleTransparent;

    @Option(names = "--certify", paramLabel = "1|2|3",
            description = "certify (first signature only): 1 no changes, 2 form filling and signing, 3 also annotations")
    Integer certify;

    @Option(names = "--field", paramLabel = "NAME", description = "sign this existing empty signature field")
    String field;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output; default: IN-signed.pdf, or standard output for standard input)")
    String output;

    @Option(names = "--pss", description = "RSA keys: sign with RSA-PSS instead of PKCS#1 v1.5 (as for sign and smime sign)")
    boolean pss;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Mixin
    ChainOption chain = new ChainOption();

    /** Kept for scripts written before --pss, which every signing command takes; not shown in the help. */
    @Option(names = "--scheme", paramLabel = "SCHEME", hidden = true, description = "RSA keys: pkcs1 (default) or pss; deprecated: use --pss")
    String scheme;

    @Mixin
    PdfValidationDataOptions data = new PdfValidationDataOptions();

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN.pdf", arity = "0..*", description = "the PDF(s) to sign, or '-' for standard input")
    java.util.List<String> inputs = new java.util.ArrayList<>();

    /** The box --visible-page, --visible-image or --visible-transparent use when --visible gives none. */
    static final String DEFAULT_BOX = "50,50,220,70";

    PdfSignCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        PadesLevel lvl = PadesLevel.parse(level);
        BatchRunner runner = new BatchRunner(session, batch, "signed");
        java.util.List<String> all = runner.inputs(inputs);
        if (!runner.isBatch(all) && !PdfStandardStreams.STANDARD.equals(output) && !PdfStandardStreams.STANDARD.equals(all.get(0))) {
            // one file: a bad target fails before the PIN is asked
            Path in = session.context().resolve(all.get(0));
            org.hsmkit.core.AtomicOutput.checkTarget(output != null ? session.context().resolve(output)
                    : PdfCommand.defaultOutput(in, "signed"), session.forced(), in);
        }
        if (lvl.needsTimestamp() && tsa == null) {
            throw new HsmkitException(ErrorKind.USAGE, "--level " + lvl + " needs --tsa URL", "give a time-stamping authority, or use --level B-B");
        }
        VisibleSignature where = visible(visible, visiblePage, visibleImage != null || visibleTransparent);
        DocMdpPermission mdp = certify == null ? null : DocMdpPermission.of(certify);
        char[] password = PdfCommand.password(session, data.passwordFile);
        try {
            TokenKey k = cert.key(session, key);
            if (pss && scheme != null && !scheme.equalsIgnoreCase("pss")) {
                throw new HsmkitException(ErrorKind.USAGE, "--pss and --scheme " + scheme + " contradict each other", "give one of them");
            }
            String chosen = pss ? "pss" : scheme;
            SignatureScheme s = chosen == null ? SignatureScheme.defaultFor(k.type()) : switch (chosen.toLowerCase(java.util.Locale.ROOT)) {
                case "pkcs1" -> SignatureScheme.RSA_PKCS1;
                case "pss" -> SignatureScheme.RSA_PSS;
                case "ecdsa" -> SignatureScheme.ECDSA;
                default -> throw new HsmkitException(ErrorKind.USAGE, "unknown scheme '" + scheme + "'", "use pkcs1 or pss (RSA keys)");
            };
            var sources = data.sources(session);
            // online, the signer fetches a missing issuer from the URL the certificate names (authority information access)
            boolean fetches = sources.online() && k.certificate().map(c -> c.getExtensionValue("1.3.6.1.5.5.7.1.1") != null).orElse(false);
            java.util.List<java.security.cert.X509Certificate> issuers = chain.with(session, k);
            if (!fetches) {
                runner.afterAnyDone(ChainOption.missingIssuerWarning(session, issuers));
            }
            return runner.run(all, output, f -> {
                try (PdfStandardStreams streams = new PdfStandardStreams(session)) {
                    try {
                        return sign(f, streams, k, lvl, s, where, mdp, password, sources, issuers);
                    } catch (HsmkitException e) {
                        throw streams.named(e);
                    }
                }
            });
        } finally {
            PdfCommand.clear(password);
        }
    }

    private int sign(BatchFile f, PdfStandardStreams streams, TokenKey k, PadesLevel lvl, SignatureScheme s, VisibleSignature where,
            DocMdpPermission mdp, char[] password, org.hsmkit.pdf.ValidationDataSources sources,
            java.util.List<java.security.cert.X509Certificate> issuers) {
        Path in = streams.input(f.input());
        // standard input signs to standard output unless -o says otherwise
        String named = PdfStandardStreams.STANDARD.equals(f.input()) && output == null ? PdfStandardStreams.STANDARD : null;
        Path defaultOut = PdfCommand.defaultOutput(in, "signed");
        Path out = named != null ? streams.output(named, null)
                : streams.output(f.output(f.outputNamed() ? defaultOut.getFileName().toString() : defaultOut.toString()), null);
        org.hsmkit.core.AtomicOutput.checkTarget(out, streams.replace(out), in);
        // a signer per file: PadesSigner is not thread-safe, and files are signed on several threads
        PadesSigner signer = PadesSigner.builder(k).level(lvl).digest(PdfCommand.digest(data.digest)).scheme(s).tsa(tsa)
                .reason(reason).location(location).visible(where)
                .visibleImage(visibleImage == null ? null : session.context().resolve(visibleImage))
                .transparentBackground(visibleTransparent).certify(mdp).field(field).password(password)
                .validationData(sources).issuers(issuers).build();
        try {
            PadesSigner.Result r = signer.sign(in, out, streams.replace(out));
            streams.release(out);
            f.info("hsmkit: signed " + (PdfStandardStreams.STANDARD.equals(f.input()) ? "standard input" : in.getFileName())
                    + " into " + (streams.isStdout(out) ? "standard output" : out) + " (PAdES " + r.level() + ", signer " + r.signer() + ")");
            r.warnings().forEach(f::warn);
        } finally {
            signer.clear();
        }
        return 0;
    }

    /** The visible signature the options describe, or null for an invisible one. */
    static VisibleSignature visible(String box, String page, boolean drawnAnyway) {
        if (box == null && page == null && !drawnAnyway) {
            return null;
        }
        VisibleSignature where = VisibleSignature.parse(box == null ? DEFAULT_BOX : box);
        return page == null ? where : where.onPage(VisibleSignature.page(page));
    }
}
