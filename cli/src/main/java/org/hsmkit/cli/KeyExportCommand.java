package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit key export}: the public half of a key, or its certificate. Never the private key. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a key's public key (PEM or DER SubjectPublicKeyInfo), an OpenSSH authorized_keys line,"
            + " or the certificate stored with it (PEM). The private key never leaves the token."})
final class KeyExportCommand implements Callable<Integer> {
    private final CliSession session;

    enum Format {
        PEM, DER, SSH, CERT
    }

    /** The formats as users type them (lower case), for shell completion. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Format.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = FormatNames.class, defaultValue = "PEM",
            description = "pem (default): public key as PEM; der: public key as DER; ssh: OpenSSH authorized_keys line (RSA and ECDSA P-256/384/521); cert: the stored certificate as PEM")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE (default: standard output)")
    String output;

    KeyExportCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        try (AtomicOutput out = session.output(output, format == Format.DER)) {
            TokenKey k = session.tokenFor(key).key(key);
            OutputStream os = out.stream();
            switch (format) {
                case PEM -> pem(os, k.publicKey());
                case DER -> os.write(k.publicKey().getEncoded());
                case SSH -> os.write((KeyOpenSshLine.of(k.type(), k.publicKey(), k.label()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                case CERT -> pem(os, k.certificate().orElseThrow(() -> HsmkitException.key(
                        "the " + KeyCommand.describe(k) + " has no certificate on the token",
                        "make a CSR with 'hsmkit key csr', then store the issued certificate with 'hsmkit key import-cert'")));
                default -> throw new IllegalStateException(format.name());
            }
            os.flush();
            out.commit();
            session.info("hsmkit: exported " + (format == Format.CERT ? "the certificate of the " : "the public key of the ")
                    + KeyCommand.describe(k) + (output == null || "-".equals(output) ? "" : " to " + output));
        }
        return ExitCode.OK;
    }

    private static void pem(OutputStream os, Object o) throws IOException {
        Writer w = new OutputStreamWriter(os, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w);
        pem.writeObject(o);
        pem.flush();
    }
}
