package org.hsmkit.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.PdfVerifier;
import org.hsmkit.pdf.SignatureReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit pdf verify}: what is signed, by whom, since when, whether anything changed since,
 * and the verdict per signature in ETSI EN 319 102-1 terms.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify every signature and document time-stamp of PDFs offline, each with an ETSI verdict.",
            "The verdict (EN 319 102-1) is TOTAL-PASSED, INDETERMINATE or TOTAL-FAILED with its sub-indication.",
            "Exit 0 only when all are TOTAL-PASSED, else 1."})
final class PdfVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    TrustOptions trust;

    @Option(names = "--require-revocation",
            description = "a signature whose path the file carries no revocation data for is INDETERMINATE/TRY_LATER"
                    + " (default: a warning)")
    boolean requireRevocation;

    @Option(names = "--crl", paramLabel = "CRLFILE",
            description = "a current CRL (DER or PEM) of a signer's CA, consulted beside the document's own revocation data; repeatable")
    List<String> crls = new ArrayList<>();

    @Option(names = "--password-file", paramLabel = "FILE", description = "password of an encrypted PDF, first line of FILE")
    String passwordFile;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN.pdf", arity = "0..*", description = "the PDF(s) to verify, or '-' for standard input")
    List<String> inputs = new ArrayList<>();

    PdfVerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        PdfVerifier verifier = verifier();
        BatchRunner runner = new BatchRunner(session, batch, "verified");
        return runner.run(runner.inputs(inputs), null, f -> verify(f, verifier));
    }

    private int verify(BatchFile f, PdfVerifier verifier) {
        PrintStream out = f.out();
        PdfReport report = verify(verifier, f.input());
        if (session.json()) {
            f.report(PdfVerifyJson.of(report));
        } else {
            print(report, out);
        }
        out.flush();
        return report.valid() ? ExitCode.OK : ExitCode.VERIFICATION_FAILED;
    }

    private PdfVerifier verifier() {
        PdfVerifier v = PdfVerifier.trusting(trust.anchors(session)).withCrls(CrlFiles.read(session, crls))
                .withIntermediates(trust.intermediates(session));
        return requireRevocation ? v.requiringRevocation() : v;
    }

    private PdfReport verify(PdfVerifier v, String input) {
        char[] password = PdfCommand.password(session, passwordFile);
        try (PdfStandardStreams streams = new PdfStandardStreams(session)) {
            PdfReport r;
            try {
                r = (password == null ? v : v.withPassword(password)).verify(streams.input(input));
            } catch (HsmkitException e) {
                throw streams.named(e);
            }
            // the report names what the user gave, not the work file standard input went through
            return PdfStandardStreams.STANDARD.equals(input)
                    ? new PdfReport("-", r.size(), r.revisions(), r.signatures(), r.problems(), r.warnings()) : r;
        } finally {
            PdfCommand.clear(password);
        }
    }

    private static void print(PdfReport r, PrintStream stream) {
        PrintableLines out = new PrintableLines(stream);
        out.println(r.file() + ": " + r.signatures().size() + " signature(s) in " + r.revisions() + " revision(s)");
        for (String p : r.problems()) {
            out.println("  PROBLEM: " + p);
        }
        for (String w : r.warnings()) {
            out.println("  warning: " + w);
        }
        int i = 1;
        for (SignatureReport s : r.signatures()) {
            out.println();
            out.println("#" + i++ + " " + (s.kind() == SignatureReport.Kind.DOCUMENT_TIMESTAMP ? "document time-stamp" : "signature")
                    + " '" + s.field() + "': " + s.indication().label()
                    + (s.subIndication() == null ? "" : " / " + s.subIndication().name()));
            out.println("  verdict:       " + s.summary());
            out.println("  signer:        " + s.signer());
            if (!s.issuer().isEmpty()) {
                out.println("  issuer:        " + s.issuer());
            }
            out.println("  claimed time:  " + (s.claimedTime() == null ? "-" : s.claimedTime()) + " (/M, not proven)");
            out.println("  proven time:   " + (s.provenTime() == null ? "- (no trusted time-stamp)" : s.provenTime()));
            out.println("  level:         " + s.level() + "  (SubFilter " + s.subFilter() + ")");
            out.println("  integrity:     " + (s.intact() ? "intact" : "BROKEN"));
            out.println("  byte range:    " + (s.byteRangeValid() ? (s.coversWholeFile() ? "covers the whole file"
                    : "covers revision " + s.revision() + " of " + s.revisions()) : "INVALID"));
            out.println("  trusted:       " + (s.trusted() ? "yes" : "no"));
            out.println("  revocation:    " + s.revocation());
            if (s.certificationLevel() > 0) {
                out.println("  certification: DocMDP P=" + s.certificationLevel());
            }
            for (SignatureReport.Change c : s.changesAfter()) {
                out.println("  change after:  " + (c.allowed() ? "allowed: " : "NOT ALLOWED: ") + c.description());
            }
            for (String f : s.failures()) {
                out.println("  FAILURE:       " + f);
            }
            for (String w : s.warnings()) {
                out.println("  warning:       " + w);
            }
        }
        out.println();
        out.println(r.summary());
    }
}
