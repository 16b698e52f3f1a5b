package org.hsmkit.cli;

import java.io.InputStream;
import java.util.concurrent.Callable;

import org.hsmkit.core.cms.CmsInspector;
import org.hsmkit.core.cms.CmsStructure;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hsmkit inspect}: a CMS file's structure, without any key. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show the structure of a CMS file (encrypted or signed) without any key.")
final class InspectCommand implements Callable<Integer> {
    private final CliSession session;

    @Parameters(index = "0", paramLabel = "IN", description = "the file, or '-' for standard input")
    String input;

    InspectCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CmsStructure s;
        try (InputStream in = new CmsFileArguments(session).open(input)) {
            s = CmsInspector.inspect(in);
        }
        if (session.json()) {
            JsonOutput.print(session.context().stdout(), JsonReports.Inspection.of(s));
            return 0;
        }
        PrintableLines out = new PrintableLines(session.context().stdout());
        s.lines().forEach(out::println);
        session.context().stdout().flush();
        return 0;
    }
}
