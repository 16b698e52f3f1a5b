package org.hsmkit.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.pdf.PdfReport;
import org.hsmkit.pdf.PdfVerifier;
import org.hsmkit.pdf.SignatureReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pdf verify}: what is signed, by whom, since when, and whether anything changed since. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify every signature and document time-stamp of a PDF offline. Exit 0 only when all are valid and trusted.")
final class PdfVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--trust", paramLabel = "CAFILE", description = "trust anchor certificates (PEM or DER); repeatable")
    List<String> trust = new ArrayList<>();

    @Option(names = "--crl", paramLabel = "CRLFILE",
            description = "a current CRL (DER or PEM) of a signer's CA, consulted beside the document's own revocation data; repeatable")
    List<String> crls = new ArrayList<>();

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--password-file", paramLabel = "FILE", description = "password of an encrypted PDF, first line of FILE")
    String passwordFile;

    @Parameters(paramLabel = "IN.pdf", description = "the PDF to verify")
    String input;

    PdfVerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Path in = session.context().resolve(input);
        char[] password = PdfCommand.password(session, passwordFile);
        PdfReport report;
        try {
            PdfVerifier v = PdfVerifier.trusting(PdfCommand.certificates(session, trust)).withCrls(CrlFiles.read(session, crls));
            report = (password == null ? v : v.withPassword(password)).verify(in);
        } finally {
            PdfCommand.clear(password);
        }
        PrintStream out = session.context().stdout();
        if (json) {
            out.print(report.toJson());
        } else {
            print(report, out);
        }
        out.flush();
        return report.valid() ? 0 : 1;
    }

    private static void print(PdfReport r, PrintStream out) {
        out.println(r.file() + ": " + r.signatures().size() + " signature(s) in " + r.revisions() + " revision(s)");
        for (String p : r.problems()) {
            out.println("  PROBLEM: " + p);
        }
        int i = 1;
        for (SignatureReport s : r.signatures()) {
            out.println();
            out.println("#" + i++ + " " + (s.kind() == SignatureReport.Kind.DOCUMENT_TIMESTAMP ? "document time-stamp" : "signature")
                    + " '" + s.field() + "': " + (s.valid() ? "VALID" : "INVALID"));
            out.println("  signer:        " + s.signer());
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
        out.println(r.valid() ? "all signatures valid and trusted" : "NOT all signatures are valid and trusted");
    }
}
