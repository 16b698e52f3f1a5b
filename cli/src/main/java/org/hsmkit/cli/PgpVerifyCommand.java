package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.openpgp.PgpInspector;
import org.hsmkit.core.openpgp.PgpVerifier;
import org.hsmkit.core.openpgp.VerifiedSignature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pgp verify}: OpenPGP signatures against a keyring the user trusts. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify OpenPGP signatures (inline, cleartext or detached) against the certificates in --keyring.",
            "A detached signature is given with its data (IN SIG, in either order; with SIG alone the data is SIG"
                + " without .sig/.asc).",
            "Exit code 1 for a bad signature, an unknown key, a key that was expired or revoked,"
                + " or a subkey without a valid binding."})
final class PgpVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--keyring", paramLabel = "FILE", required = true, description = "trusted certificates (gpg --export output); repeatable")
    List<String> keyrings = new ArrayList<>();

    @Option(names = "--accept-expired", description = "accept a key that expired after it signed (never a revoked key)")
    boolean acceptExpired;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "inline and cleartext signatures: write the verified data here")
    String output;


    @Parameters(index = "0", paramLabel = "IN", description = "the signed file, or the data of a detached signature")
    String input;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SIG", description = "the detached signature (.sig or .asc)")
    String signature;

    PgpVerifyCommand(CliSession session) {
        this.session = session;
    }

    /** The JSON report: one entry per signature. */
    record Report(List<Signer> signatures) {
    }

    record Signer(String status, String keyFingerprint, String certificateFingerprint, String userId, String created, String hash,
            String keyExpiredSince) {
        static Signer of(VerifiedSignature v) {
            return new Signer("good", v.keyFingerprint(), v.certificateFingerprint(), v.userId().orElse(null), v.created().toString(),
                    v.hashAlgorithm(), v.keyExpiredSince().map(Object::toString).orElse(null));
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean dataToStdout = "-".equals(output);
        session.refuseJsonBeside(dataToStdout, "data");
        PgpVerifier verifier = PgpVerifier.trusting(PgpCommand.certificates(session, keyrings)).acceptingKeysExpiredSinceSigning(acceptExpired);
        CmsFileArguments files = new CmsFileArguments(session);
        String data = input;
        String sig = signature;
        if (sig != null && looksLikeSignature(files.inputPath(input)) && !looksLikeSignature(files.inputPath(sig))) {
            data = signature; // gpg's order: SIG DATA
            sig = input;
        }
        if (sig == null && !"-".equals(input) && isDetached(files.inputPath(input))) {
            sig = input;
            data = PgpCommand.strip(input, ".sig", ".asc", ".gpg", ".pgp");
            if (data == null || !Files.isRegularFile(session.context().resolve(data))) {
                throw new HsmkitException(ErrorKind.USAGE, input + " is a detached signature and its data file was not found",
                        "give the data file too: hsmkit pgp verify --keyring FILE DATA " + input);
            }
        }
        List<VerifiedSignature> result;
        if (sig != null) {
            if (output != null) {
                throw new HsmkitException(ErrorKind.USAGE, "-o is for inline and cleartext signatures", "leave out -o: the data is " + data);
            }
            try (InputStream s = files.open(sig); InputStream d = files.open(data)) {
                result = verifier.verifyDetached(s, d);
            }
        } else {
            try (InputStream in = files.open(input); AtomicOutput out = output == null ? null : files.output(output, input, null, "data")) {
                result = verifier.verify(in, out == null ? null : out.stream());
                if (out != null) {
                    out.commit();
                }
            }
        }
        // with the data on standard output, the report goes to standard error, as gpg's does
        PrintStream o = dataToStdout ? session.context().stderr() : session.context().stdout();
        if (session.json()) {
            JsonOutput.print(o, new Report(result.stream().map(Signer::of).toList()));
            return 0;
        }
        for (VerifiedSignature v : result) {
            o.println("Good signature from \"" + v.userId().map(NameFormat::printable).orElse("(no valid user id)") + "\"");
            o.println("  key:         " + v.keyFingerprint());
            if (!v.keyFingerprint().equals(v.certificateFingerprint())) {
                o.println("  certificate: " + v.certificateFingerprint());
            }
            o.println("  made:        " + v.created());
            o.println("  hash:        " + v.hashAlgorithm());
            v.keyExpiredSince().ifPresent(t -> o.println("  note:        the key has expired since (" + t + ")"));
        }
        o.flush();
        return 0;
    }

    private static boolean looksLikeSignature(Path p) {
        return p != null && isDetached(p);
    }

    private static boolean isDetached(Path p) {
        if (p == null || !Files.isRegularFile(p)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(p)) {
            return PgpInspector.inspect(in).kind().equals("detached signature");
        } catch (HsmkitException | IOException e) {
            return false;
        }
    }
}
