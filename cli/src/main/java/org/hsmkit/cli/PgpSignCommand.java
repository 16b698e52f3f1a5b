package org.hsmkit.cli;

import java.io.InputStream;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.openpgp.PgpSigner;
import org.hsmkit.core.openpgp.PgpTokenKey;
import org.hsmkit.core.openpgp.SignatureMode;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pgp sign}: an OpenPGP signature made on the token. */
@Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sign a file with a key on the token, as gpg does (inline by default).",
            "--detached and --clearsign make the other two kinds (gpg's spellings -b, --detach-sign and --clear-sign work too). Writes IN.gpg, IN.sig (IN.asc when armoured) or IN.asc unless -o is given."})
final class PgpSignCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "the signing key")
    String key;

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    static final class Mode {
        @Option(names = {"--detached", "--detach-sign", "-b"}, description = "write the signature alone (.sig, or .asc with --armor)")
        boolean detached;

        @Option(names = {"--clearsign", "--clear-sign"}, description = "readable text followed by an armoured signature (.asc)")
        boolean clearsign;
    }

    @Option(names = {"-a", "--armor"}, description = "ASCII armour for inline and detached signatures")
    boolean armor;

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "the certificate exported for --key, for a token that does not hold the key's OpenPGP creation time")
    String certificate;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the file to sign, or '-' for standard input")
    String input;

    PgpSignCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        SignatureMode m = mode.detached ? SignatureMode.DETACHED : mode.clearsign ? SignatureMode.CLEARTEXT : SignatureMode.INLINE;
        CmsFileArguments files = new CmsFileArguments(session);
        String suffix = m == SignatureMode.CLEARTEXT || armor ? ".asc" : m == SignatureMode.DETACHED ? ".sig" : ".gpg";
        String derived = "-".equals(input) ? null : input + suffix;
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "signature", AtomicOutput.Release.AS_WRITTEN, !armor && m != SignatureMode.CLEARTEXT)) {
            PgpTokenKey k = PgpCommand.tokenKey(session, key, certificate);
            PgpSigner signer = PgpSigner.with(k).mode(m).armor(armor)
                    .fileName("-".equals(input) ? "" : java.nio.file.Path.of(input).getFileName().toString()).build();
            signer.sign(in, out.stream());
            out.commit();
            session.info("hsmkit: signed " + input + " with key " + signer.keyFingerprint() + " into "
                    + CmsFileArguments.describe(output, input, derived) + " (" + m.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return 0;
    }
}
