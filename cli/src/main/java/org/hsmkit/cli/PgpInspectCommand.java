package org.hsmkit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

import org.hsmkit.core.openpgp.PgpInspector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pgp inspect}: what an OpenPGP file holds, without a key. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describe OpenPGP data without a key: packets, recipients' key ids, algorithms, signers, certificates.")
final class PgpInspectCommand implements Callable<Integer> {
    private final CliSession session;


    @Parameters(index = "0", paramLabel = "IN", description = "an OpenPGP file (binary or armoured), or '-' for standard input")
    String input;

    PgpInspectCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        PgpInspector.Structure s;
        try (InputStream in = new CmsFileArguments(session).open(input)) {
            s = PgpInspector.inspect(in);
        }
        PrintStream o = session.context().stdout();
        if (session.json()) {
            JsonOutput.print(o, s);
            return 0;
        }
        o.println(s.kind());
        for (PgpInspector.Packet p : s.packets()) {
            o.println("  " + p.type());
            p.details().forEach(d -> o.println("    " + d));
        }
        o.flush();
        return 0;
    }
}
