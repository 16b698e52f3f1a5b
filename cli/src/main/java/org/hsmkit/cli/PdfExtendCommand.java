package org.hsmkit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

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

    @Option(names = "--level", required = true, paramLabel = "LEVEL", description = "B-LT or B-LTA")
    String level;

    @Option(names = "--tsa", paramLabel = "URL", description = "RFC 3161 time-stamping authority (B-LTA)")
    String tsa;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file (default: IN-extended.pdf)")
    String output;

    @Mixin
    PdfValidationDataOptions data = new PdfValidationDataOptions();

    @Parameters(paramLabel = "IN.pdf", description = "the signed PDF")
    String input;

    PdfExtendCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        PadesLevel lvl = PadesLevel.parse(level);
        Path in = session.context().resolve(input);
        Path out = output != null ? session.context().resolve(output) : PdfCommand.defaultOutput(in, "extended");
        org.hsmkit.core.AtomicOutput.checkTarget(out, session.forced(), in);
        char[] password = PdfCommand.password(session, data.passwordFile);
        try {
            new PadesExtender(lvl, tsa, PdfCommand.digest(data.digest), data.sources(session), password)
                    .extend(in, out, session.forced());
            session.info("hsmkit: extended " + in.getFileName() + " into " + out + " (" + lvl + ")");
            return 0;
        } finally {
            PdfCommand.clear(password);
        }
    }
}
