package org.hsmkit.pdf;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.pdf.internal.Verification;

/**
 * Verifies every signature and document time-stamp of a PDF, offline: integrity over the byte
 * range, byte-range soundness (against universal signature forgery and signature wrapping), the
 * changes later revisions made (against incremental saving attacks; allowed are validation data,
 * document time-stamps, later signatures and form filling as DocMDP permits), the PAdES level,
 * and the certificate path at the proven time against the given trust anchors with the
 * revocation data embedded in the file and any CRLs given. Nothing is fetched from the network.
 * Each signature gets an ETSI EN 319 102-1 verdict ({@link Indication}, {@link SubIndication}).
 */
public final class PdfVerifier {
    private final List<X509Certificate> anchors;
    private final char[] password;
    private final boolean requireRevocation;
    private final List<X509CRL> crls;
    private final List<X509Certificate> intermediates;

    private PdfVerifier(List<X509Certificate> anchors, char[] password, boolean requireRevocation, List<X509CRL> crls,
            List<X509Certificate> intermediates) {
        this.anchors = List.copyOf(anchors);
        this.intermediates = List.copyOf(intermediates);
        this.password = password == null ? null : password.clone();
        this.requireRevocation = requireRevocation;
        this.crls = List.copyOf(crls);
    }

    /** A verifier trusting the given anchors (none: nothing is trusted). */
    public static PdfVerifier trusting(List<X509Certificate> anchors) {
        return new PdfVerifier(anchors, null, false, List.of(), List.of());
    }

    /** The same verifier for an encrypted document with this password (copied). */
    public PdfVerifier withPassword(char[] password) {
        return new PdfVerifier(new ArrayList<>(anchors), password, requireRevocation, crls, intermediates);
    }

    /**
     * The same verifier, but a signature whose path the file carries no revocation data for is
     * INDETERMINATE/TRY_LATER instead of passing with a warning (the EU DSS default policy).
     */
    public PdfVerifier requiringRevocation() {
        return new PdfVerifier(new ArrayList<>(anchors), password, true, crls, intermediates);
    }

    /**
     * The same verifier also consulting these CRLs (for example the current one of the signer's
     * CA): a certificate they list as revoked before the proven signing time (or before now, for a
     * signature without a trusted time-stamp) fails the signature.
     */
    public PdfVerifier withCrls(List<X509CRL> crls) {
        List<X509CRL> all = new ArrayList<>(this.crls);
        all.addAll(crls);
        return new PdfVerifier(new ArrayList<>(anchors), password, requireRevocation, all, intermediates);
    }

    /**
     * The same verifier, also building signers' paths from these certificates: intermediate CAs a
     * document does not carry. They are not trusted; a path must still end at an anchor.
     */
    public PdfVerifier withIntermediates(List<X509Certificate> certificates) {
        List<X509Certificate> all = new ArrayList<>(intermediates);
        all.addAll(certificates);
        return new PdfVerifier(new ArrayList<>(anchors), password, requireRevocation, crls, all);
    }

    public PdfReport verify(Path file) {
        return new Verification(file, password, anchors, intermediates, false, requireRevocation, crls).run();
    }
}
