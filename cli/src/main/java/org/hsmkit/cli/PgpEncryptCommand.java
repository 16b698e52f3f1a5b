package org.hsmkit.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpEncryptor;
import org.hsmkit.core.openpgp.PgpTokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit pgp encrypt}: an OpenPGP message for certificate holders; a private key only to sign it. */
@Command(name = "encrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encrypt a file to OpenPGP certificates (AES-256, integrity-protected, uncompressed).",
            "SEIPD v2 (AES-OCB) when every recipient advertises it, else SEIPD v1 with MDC as GnuPG 2.2 reads."
                + " --sign-with KEY also signs the content with a token key inside the encryption, as gpg --sign --encrypt does.",
            "Writes IN.gpg (IN.asc with --armor) unless -o is given; '-' reads standard input."})
final class PgpEncryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = {"-r", "--recipient"}, paramLabel = "CERT", required = true,
            description = "a certificate file (every certificate in it), or a fingerprint, key id or mail address found in --keyring; repeatable")
    List<String> recipients = new ArrayList<>();

    @Option(names = "--keyring", paramLabel = "FILE", description = "certificates to find -r names in (gpg --export output); repeatable")
    List<String> keyrings = new ArrayList<>();

    @Option(names = "--sign-with", paramLabel = "KEY", description = "sign the content with this token key (recipients check it with "
            + "gpg --decrypt or hsmkit pgp decrypt --keyring)")
    String signWith;

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "the certificate exported for --sign-with, for a token that does not hold the key's OpenPGP creation time")
    String certificate;

    @Option(names = "--throw-keyids", description = "leave the recipients' key ids out of the message, as gpg --throw-keyids does:"
            + " no one can tell whom it is for; each recipient's software tries its keys in turn")
    boolean hidden;

    @Option(names = {"-a", "--armor"}, description = "write ASCII armour instead of binary")
    boolean armor;

    @Option(names = "--seipd-v1", description = "write SEIPD v1 even when every recipient reads v2")
    boolean v1;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the file to encrypt, or '-' for standard input")
    String input;

    PgpEncryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        List<PgpCertificate> keyring = PgpCommand.certificates(session, keyrings);
        List<PgpCertificate> to = new ArrayList<>();
        for (String r : recipients) {
            if (Files.isRegularFile(session.context().resolve(r))) {
                to.addAll(PgpCertificate.read(session.context().resolve(r)));
            } else {
                to.add(find(keyring, r));
            }
        }
        if (certificate != null && signWith == null) {
            throw new HsmkitException(ErrorKind.USAGE, "--certificate needs --sign-with", "name the token key it belongs to");
        }
        // the signing key is found (and the token logged in) before any output exists
        PgpTokenKey signer = signWith == null ? null : PgpCommand.tokenKey(session, signWith, certificate);
        PgpEncryptor enc = PgpEncryptor.to(to).armor(armor).seipdV1Only(v1).signedBy(signer).hiddenRecipients(hidden).build();
        CmsFileArguments files = new CmsFileArguments(session);
        String derived = "-".equals(input) ? null : input + (armor ? ".asc" : ".gpg");
        long start = System.nanoTime();
        long n;
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "output", AtomicOutput.Release.AS_WRITTEN, !armor)) {
            n = enc.encrypt(in, out.stream());
            out.commit();
        }
        session.info(String.format(Locale.ROOT, "hsmkit: encrypted %d bytes for %d recipient%s (%s, %s)%s into %s in %s", n, to.size(),
                to.size() == 1 ? "" : "s", enc.cipher(), enc.format().description(), enc.signingKey().map(f -> ", signed with key " + f).orElse(""),
                CmsFileArguments.describe(output, input, derived), ElapsedTime.since(start)));
        return 0;
    }

    static PgpCertificate find(List<PgpCertificate> keyring, String name) {
        if (keyring.isEmpty()) {
            throw HsmkitException.input("the recipient " + name + " is not a file", "name a certificate file, or give --keyring FILE to look names up in");
        }
        String n = name.replace(" ", "").toUpperCase(Locale.ROOT);
        String hex = n.startsWith("0X") ? n.substring(2) : n;
        List<PgpCertificate> hits = new ArrayList<>();
        for (PgpCertificate c : keyring) {
            boolean match = c.keyFingerprints().stream().anyMatch(f -> f.equals(hex) || (hex.length() >= 8 && f.endsWith(hex)))
                    || c.userIds().stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)));
            if (match) {
                hits.add(c);
            }
        }
        if (hits.size() != 1) {
            throw new HsmkitException(hits.isEmpty() ? ErrorKind.INPUT : ErrorKind.USAGE,
                    (hits.isEmpty() ? "no certificate in the keyring matches " : "several certificates match ") + name,
                    hits.isEmpty() ? "check the name, or add the certificate to the keyring" : "give a fingerprint");
        }
        return hits.get(0);
    }
}
