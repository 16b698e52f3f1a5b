package org.hsmkit.cli;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.openpgp.PgpDecryptor;
import org.hsmkit.core.openpgp.PgpVerifier;
import org.hsmkit.core.openpgp.VerifiedSignature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pgp decrypt}: an OpenPGP message decrypted with a token key; nothing released unverified. */
@Command(name = "decrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decrypt an OpenPGP message (binary or armoured) with one private-key operation on the token.",
            "The output appears only after the whole message decrypted and its integrity check"
                + " (MDC or AEAD tags) passed; messages without integrity protection are refused.",
            "With --keyring the message must also be signed (gpg --sign --encrypt) by a key in the keyring, and every signature must verify"
                + " (as pgp verify checks them) before the output appears.",
            "Writes IN without .gpg/.pgp/.asc unless -o is given."})
final class PgpDecryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "the key to use (default: whichever token key is a recipient)")
    String key;

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "the certificate exported for --key, for a token that does not hold the key's OpenPGP creation time")
    String certificate;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "require a signature inside the message by a certificate in FILE (gpg --export output); repeatable")
    List<String> keyrings = new ArrayList<>();

    @Option(names = "--accept-expired", description = "with --keyring: accept a signing key that expired after it signed (never a revoked key)")
    boolean acceptExpired;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the encrypted file, or '-' for standard input")
    String input;

    /** The JSON report; {@code signatures} are those checked (with --keyring), {@code signerKeyIds} every signer named. */
    record Report(String file, String output, String cipher, String format, String key, String recipientKey, String fileName,
            boolean compressed, long bytes, List<String> signerKeyIds, boolean signaturesChecked, List<PgpVerifyCommand.Signer> signatures) {
    }

    PgpDecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        if (certificate != null && key == null) {
            throw new org.hsmkit.core.HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "--certificate needs --key", "name the token key it belongs to");
        }
        if (acceptExpired && keyrings.isEmpty()) {
            throw new org.hsmkit.core.HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "--accept-expired needs --keyring",
                    "give the signer's certificate with --keyring FILE");
        }
        session.refuseJsonBeside(output == null ? "-".equals(input) : "-".equals(output), "message");
        PgpVerifier verifier = keyrings.isEmpty() ? null
                : PgpVerifier.trusting(PgpCommand.certificates(session, keyrings)).acceptingKeysExpiredSinceSigning(acceptExpired);
        CmsFileArguments files = new CmsFileArguments(session);
        String derived = PgpCommand.strip(input, ".gpg", ".pgp", ".asc");
        long start = System.nanoTime();
        PgpDecryptor.Decryption d;
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "output")) {
            PgpDecryptor decryptor = key != null ? PgpDecryptor.withKey(PgpCommand.tokenKey(session, key, certificate))
                    : PgpDecryptor.withKeysOf(session.token());
            d = (verifier == null ? decryptor : decryptor.checkingSignatures(verifier)).decrypt(in, out);
        }
        if (verifier == null && !d.signerKeyIds().isEmpty()) {
            session.warn("the message is signed by " + String.join(", ", d.signerKeyIds())
                    + "; the signature was not checked (give the signer's certificate with --keyring FILE to check it)");
        }
        if (session.json()) {
            JsonOutput.print(session.context().stdout(), new Report(input, CmsFileArguments.describe(output, input, derived), d.cipher(),
                    d.format().description(), d.keyReference(), d.recipientKey(), d.fileName(), d.compressed(), d.plaintextBytes(),
                    d.signerKeyIds(), verifier != null, d.signatures().stream().map(PgpVerifyCommand.Signer::of).toList()));
        }
        for (VerifiedSignature v : d.signatures()) {
            session.info("hsmkit: good signature from \"" + v.userId().orElse("(no valid user id)") + "\" (key " + v.keyFingerprint()
                    + ", made " + v.created() + ")" + v.keyExpiredSince().map(t -> "; the key has expired since (" + t + ")").orElse(""));
        }
        session.info(String.format(Locale.ROOT, "hsmkit: decrypted %d bytes (%s, %s) with key '%s' into %s in %s", d.plaintextBytes(),
                d.cipher(), d.format().description(), KeyCommand.readable(d.keyReference()), CmsFileArguments.describe(output, input, derived),
                ElapsedTime.since(start)));
        return 0;
    }
}
