package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DataObject;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit data …}: small values kept on the token beside the keys (PKCS#11 data objects,
 * as {@code pkcs11-tool --write-object --type data} writes them), for example a VeraCrypt keyfile
 * made by the token's generator that never touches the disk.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Keep small values on the token beside the keys: write, read, list and delete data objects.",
        subcommands = {DataCommand.Write.class, DataCommand.Read.class, DataCommand.ListObjects.class, DataCommand.Delete.class})
final class DataCommand {
    static final int MAX_SIZE = DataObject.MAX_SIZE;

    @Command(name = "write", mixinStandardHelpOptions = true,
            description = {"Store a data object: the bytes of FILE ('-': standard input) or N bytes from the token's random number generator.",
                "Private (readable only after a login) unless --public. Refused when the label is taken."})
    static final class Write implements Callable<Integer> {
        private final CliSession session;

        @Option(names = "--label", required = true, paramLabel = "LABEL", description = "the object's label")
        String label;

        @Option(names = "--application", paramLabel = "TEXT", defaultValue = "",
                description = "stored as the object's application (CKA_APPLICATION)")
        String application;

        @Option(names = "--public", description = "readable without a login")
        boolean publicObject;

        @Option(names = "--random", paramLabel = "N", description = "N bytes from the token's generator (1 to " + MAX_SIZE + ")")
        Integer random;

        @Parameters(paramLabel = "FILE", arity = "0..1",
                description = "the value ('-': standard input), at most " + MAX_SIZE + " bytes")
        String file;

        Write(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            if ((random == null) == (file == null)) {
                throw new HsmkitException(ErrorKind.USAGE, "give either FILE or --random N as the value",
                        "e.g. 'hsmkit data write --label L keyfile.bin' or 'hsmkit data write --label veracrypt --random 64'");
            }
            if (random != null && (random < 1 || random > MAX_SIZE)) {
                throw new HsmkitException(ErrorKind.USAGE, "--random takes 1 to " + MAX_SIZE + " bytes, not " + random,
                        "a VeraCrypt keyfile needs 64: --random 64");
            }
            byte[] value = random != null ? null : readValue(file);
            Token token = session.token();
            try {
                if (value == null) {
                    value = new byte[random];
                    token.randomBytes(value);
                }
                DataObject d = token.writeData(label, application, value, !publicObject);
                session.info("hsmkit: stored the " + (d.privateObject() ? "private" : "public") + " data object '" + label
                        + "' (" + value.length + " bytes" + (random != null ? " from the token's generator" : "")
                        + ") on token '" + token.info().label() + "'");
            } finally {
                if (value != null) {
                    Arrays.fill(value, (byte) 0);
                }
            }
            return ExitCode.OK;
        }

        /** The value from a file or stdin, refusing more than MAX_SIZE bytes before reading it all. */
        private byte[] readValue(String file) {
            try (InputStream in = file.equals("-") ? session.context().stdin() : open(session.context().resolve(file))) {
                byte[] value = in.readNBytes(MAX_SIZE + 1);
                if (value.length > MAX_SIZE) {
                    Arrays.fill(value, (byte) 0);
                    throw tooBig(file);
                }
                return value;
            } catch (IOException e) {
                throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private static InputStream open(Path path) throws IOException {
            if (!Files.isRegularFile(path)) {
                throw HsmkitException.input(path + " is not a readable file", "name the file that holds the value, or '-' for standard input");
            }
            if (Files.size(path) > MAX_SIZE) {
                throw tooBig(path.toString());
            }
            return Files.newInputStream(path);
        }

        private static HsmkitException tooBig(String file) {
            return HsmkitException.input(file + " is larger than a data object can hold (" + MAX_SIZE + " bytes)",
                    "keep large files encrypted on disk (hsmkit encrypt) and only their key on the token");
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true,
            description = {"Write the value of a data object to standard output or to a file.",
                "Binary output is refused on a terminal unless -o is given."})
    static final class Read implements Callable<Integer> {
        private final CliSession session;

        @Option(names = "--label", required = true, paramLabel = "LABEL", description = "the object's label")
        String label;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE (default: standard output)")
        String output;

        Read(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() throws IOException {
            try (AtomicOutput out = session.output(output, true)) {
                byte[] value = session.token().readData(label);
                try {
                    out.stream().write(value);
                    out.commit();
                } finally {
                    Arrays.fill(value, (byte) 0);
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the data objects on the token: label, application, size and whether reading needs a login.")
    static final class ListObjects implements Callable<Integer> {
        private final CliSession session;


        ListObjects(CliSession session) {
            this.session = session;
        }

        /** One row of {@code data list --json}. */
        record Row(String label, String application, int size, @com.fasterxml.jackson.annotation.JsonProperty("private") boolean privateObject) {
        }

        @Override
        public Integer call() {
            Token token = session.token();
            List<DataObject> objects = token.dataObjects().stream().sorted(Comparator.comparing(DataObject::label)).toList();
            if (session.json()) {
                JsonOutput.print(session.context().stdout(),
                        objects.stream().map(d -> new Row(d.label(), d.application(), d.size(), d.privateObject())).toList());
                return ExitCode.OK;
            }
            if (objects.isEmpty()) {
                session.info("hsmkit: no data objects on token '" + token.info().label() + "'");
                return ExitCode.OK;
            }
            TextTable table = new TextTable("LABEL", "APPLICATION", "SIZE", "ACCESS");
            for (DataObject d : objects) {
                table.row(d.label(), d.application().isEmpty() ? "-" : d.application(),
                        d.size() < 0 ? "?" : String.valueOf(d.size()), d.privateObject() ? "private" : "public");
            }
            table.print(session.context().stdout());
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a data object from the token. This cannot be undone.",
                "Asks for confirmation on the terminal unless --yes is given; without a terminal --yes is required."})
    static final class Delete implements Callable<Integer> {
        private final CliSession session;

        @Option(names = "--label", required = true, paramLabel = "LABEL", description = "the object's label")
        String label;

        @Option(names = {"-y", "--yes"}, description = "delete without asking")
        boolean yes;

        Delete(CliSession session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            Token token = session.token();
            // a label that names nothing is an error before any question: reading it fails with the
            // token's own message (and logs in as the deletion would)
            Arrays.fill(token.readData(label), (byte) 0);
            String what = "data object '" + label + "' from token '" + token.info().label() + "'";
            if (!session.confirmDeletion(what, yes, "hsmkit data list")) {
                return ExitCode.OK;
            }
            token.deleteData(label);
            session.info("hsmkit: deleted the " + what);
            return ExitCode.OK;
        }
    }
}
