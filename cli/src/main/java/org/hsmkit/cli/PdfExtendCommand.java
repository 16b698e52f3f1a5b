package org.hsmkit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.pdf.PadesExtender;
import org.hsmkit.pdf.PadesLevel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pdf extend}: lift existing signatures to B-LT or B-LTA; renew an archive time-stamp. */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Add validation data (B-LT) and a document time-stamp (B-LTA) to the signatures of a PDF; "
                + "run B-LTA again on an LTA file to renew its archive time-stamp. Needs no key.")
final class PdfExtendCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--level", required = true, paramLabel = "LEVEL", completionCandidates = LevelNames.class,
            description = "B-LT or B-LTA")
    String level;

    /** The levels an extension reaches, for the missing-option hint and shell completion. */
    static final class LevelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("B-LT", "B-LTA").iterator();
        }
    }

    @Option(names = "--tsa", paramLabel = "URL", description = "RFC 3161 time-stamping authority (B-LTA)")
    String tsa;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output; default: IN-extended.pdf, or standard output for standard input)")
    String output;

    @Mixin
    PdfValidationDataOptions data = new PdfValidationDataOptions();

    @Parameters(paramLabel = "IN.pdf", description = "the signed PDF, or '-' for standard input")
    String input;

    PdfExtendCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        PadesLevel lvl = PadesLevel.parse(level);
        char[] password = PdfCommand.password(session, data.passwordFile);
        try (PdfStandardStreams streams = new PdfStandardStreams(session)) {
            try {
                return extend(streams, lvl, password);
            } catch (HsmkitException e) {
                throw streams.named(e);
            }
        } finally {
            PdfCommand.clear(password);
        }
    }

    private int extend(PdfStandardStreams streams, PadesLevel lvl, char[] password) {
        Path in = streams.input(input);
        // standard input goes to standard output unless -o says otherwise
        Path out = streams.output(output == null && PdfStandardStreams.STANDARD.equals(input) ? PdfStandardStreams.STANDARD : output,
                PdfCommand.defaultOutput(in, "extended"));
        org.hsmkit.core.AtomicOutput.checkTarget(out, streams.replace(out), in);
        java.util.List<String> warnings = new PadesExtender(lvl, tsa, PdfCommand.digest(data.digest), data.sources(session), password)
                .extend(in, out, streams.replace(out));
        streams.release(out);
        session.info("hsmkit: extended " + (PdfStandardStreams.STANDARD.equals(input) ? "standard input" : in.getFileName()) + " into "
                + (streams.isStdout(out) ? "standard output" : out) + " (" + lvl + ")");
        warnings.forEach(session::warn);
        return 0;
    }
}
