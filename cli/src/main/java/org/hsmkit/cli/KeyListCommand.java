package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit key list}: one row per private key, with or without a certificate. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the private keys on the token: id (hex), label, type and size, and the subject of the"
            + " certificate stored with the key (or 'no certificate'); for keys with a use counter (SmartCard-HSM), the uses left.",
            "A private key the token gives no public key for (for instance after its certificate was deleted)"
            + " is listed with type 'unknown' and 'public key unknown'; delete it or import its certificate.",
            "Keys made by other tools (pkcs11-tool, OpenSC) are listed too."})
final class KeyListCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--uri", description = "add a column with the reference to pass to --key")
    boolean uri;

    KeyListCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Token token = session.token();
        List<TokenKey> keys = token.keys();
        if (session.json()) {
            JsonOutput.print(session.context().stdout(),
                    new JsonReports.Keys(keys.stream().sorted(KeyCommand.BY_ID).map(JsonReports.Key::of).toList()));
            return ExitCode.OK;
        }
        if (keys.isEmpty()) {
            session.info("hsmkit: no keys on token '" + token.info().label() + "'; make one with 'hsmkit key generate'");
            return ExitCode.OK;
        }
        boolean counted = keys.stream().anyMatch(k -> k.usesLeft().isPresent());
        List<String> header = new ArrayList<>(List.of("ID", "LABEL", "TYPE"));
        if (counted) {
            header.add("USES LEFT");
        }
        header.add("CERTIFICATE");
        if (uri) {
            header.add("REFERENCE");
        }
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (TokenKey k : keys.stream().sorted(KeyCommand.BY_ID).toList()) {
            String label = k.label().isEmpty() ? "-" : k.label();
            String type = k.publicKeyKnown() ? k.type().spec() : "unknown";
            List<String> row = new ArrayList<>(List.of(KeyId.hex(k.id()), label, type));
            if (counted) {
                row.add(k.usesLeft().isPresent() ? Long.toString(k.usesLeft().getAsLong()) : "unlimited");
            }
            row.add(k.certificate().map(KeyImportCertCommand::subject)
                    .orElse(k.publicKeyKnown() ? "no certificate" : "no certificate, public key unknown"));
            if (uri) {
                row.add(k.reference());
            }
            table.row(row.toArray(String[]::new));
        }
        table.print(session.context().stdout());
        return ExitCode.OK;
    }
}
