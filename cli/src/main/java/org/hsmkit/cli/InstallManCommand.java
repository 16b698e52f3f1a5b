package org.hsmkit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hsmkit install-man DIR}: writes the man pages, made from the same model as --help. */
@Command(name = "install-man", mixinStandardHelpOptions = true,
        description = {"Write the man pages (hsmkit.1 and one per command, such as hsmkit-pdf-sign.1) into a directory.",
            "For example: hsmkit install-man ~/.local/share/man/man1, then man hsmkit-encrypt."})
final class InstallManCommand implements Callable<Integer> {
    private final CliSession session;

    @Parameters(paramLabel = "DIR", description = "the directory (created when missing), usually a man1 directory")
    String dir;

    InstallManCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        // the full command tree, whichever commands this invocation built
        CommandLine all = HsmkitCli.create(session.context());
        Path target = session.context().resolve(dir);
        List<Path> written = ManPages.write(all, target);
        session.info("hsmkit: wrote " + written.size() + " man pages into " + target);
        return 0;
    }
}
