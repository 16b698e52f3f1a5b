package org.hsmkit.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CertificateFile;
import org.hsmkit.core.cms.CmsRewrapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code hsmkit rewrap}: add or remove recipients of an encrypted file without re-encrypting it. */
@Command(name = "rewrap", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Add or remove recipients of an encrypted file without re-encrypting its content.",
            "The content key is opened once with your token key; the encrypted content and its tag are"
                + " copied byte for byte (checked on the way).",
            "This is access management, not re-encryption:"
                + " a removed recipient who kept the old file can still read it; use --reencrypt for a fresh key.",
            "Writes IN.rewrapped.p7m (or IN.rewrapped) unless -o is given."})
final class RewrapCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "your key that opens the file (default: whichever token key is a recipient)")
    String key;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Option(names = "--add-recipient", paramLabel = "CERTFILE", description = "give this certificate's holder access; repeatable")
    List<String> add = new ArrayList<>();

    @Option(names = "--add-key", paramLabel = "KEY",
            description = "give this token key access (a label or URI; as encrypt --to-key, also for a key without a certificate); repeatable")
    List<String> addKeys = new ArrayList<>();

    @Option(names = "--remove-recipient", paramLabel = "CERTFILE|KEYID|KEY",
            description = "take access away from this recipient (a certificate file, a subject key id in hex, or a token key's"
                    + " label); repeatable")
    List<String> remove = new ArrayList<>();

    @Option(names = "--reencrypt", description = "re-encrypt under a fresh content key (every recipient who stays must be given with "
            + "--add-recipient, except your own key)")
    boolean reencrypt;

    @Option(names = "--rsa-padding", paramLabel = "PADDING", defaultValue = "oaep",
            description = "for added RSA recipients: oaep (default) or pkcs1")
    String rsaPadding;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the encrypted file, or '-' for standard input")
    String input;

    RewrapCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        if (add.isEmpty() && addKeys.isEmpty() && remove.isEmpty() && !reencrypt) {
            throw new HsmkitException(ErrorKind.USAGE, "nothing to change",
                    "name recipients with --add-recipient, --add-key or --remove-recipient");
        }
        CmsFileArguments files = new CmsFileArguments(session);
        String derived = "-".equals(input) ? null
                : input.endsWith(".p7m") && input.length() > 4 ? input.substring(0, input.length() - 4) + ".rewrapped.p7m" : input + ".rewrapped";
        files.checkOutputFirst(output, input, derived);
        CmsRewrapper.Builder b = CryptoKeys.rewrapper(session, key, cert).rsaPadding(EncryptCommand.parsePadding(rsaPadding))
                .reencrypt(reencrypt).allowRemovingOwnKey(session.forced());
        session.recipients(add).forEach(b::addRecipient);
        for (String k : addKeys) {
            b.addRecipient(session.token().key(k));
        }
        for (String r : remove) {
            Path p = session.context().resolve(r);
            if (Files.isRegularFile(p)) {
                CertificateFile.endEntities(CertificateFile.read(p)).forEach(b::removeRecipient);
            } else if (isKeyId(r)) {
                b.removeKeyId(KeyId.bytesOf(KeyId.parse(r)));
            } else {
                b.removeRecipient(tokenKey(r));
            }
        }
        long start = System.nanoTime();
        CmsRewrapper.Rewrap r;
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "output")) {
            r = b.build().rewrap(in, out);
        }
        session.info(String.format(Locale.ROOT, "hsmkit: %s %d bytes (%s) with key '%s' into %s in %s; %d recipient%s now",
                r.reencrypted() ? "re-encrypted" : "re-wrapped", r.contentBytes(), r.cipher().spec(), KeyCommand.readable(r.keyReference()),
                CmsFileArguments.describe(output, input, derived), ElapsedTime.since(start), r.recipients().size(),
                r.recipients().size() == 1 ? "" : "s"));
        r.added().forEach(a -> session.info("  added: " + a));
        r.removed().forEach(a -> session.info("  removed: " + a));
        if (!r.removed().isEmpty() && !r.reencrypted()) {
            session.info("hsmkit: note: the content key is unchanged; a removed recipient who kept the old file can still read it"
                    + " (--reencrypt changes the key)");
        }
        return 0;
    }

    private static boolean isKeyId(String text) {
        try {
            KeyId.parse(text);
            return true;
        } catch (TypeConversionException e) {
            return false;
        }
    }

    /** A key on the token named by label or URI, for removing one's own or a colleague's --to-key entry. */
    private TokenKey tokenKey(String text) {
        try {
            return session.token().key(text);
        } catch (HsmkitException e) {
            if (e.kind() != ErrorKind.KEY) {
                throw e;
            }
            throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is neither a certificate file, a key id, nor a key on the token",
                    "give the recipient's certificate file, its subject key id in hex (hsmkit inspect FILE lists them),"
                            + " or the label of a token key", e);
        }
    }

    static X509Certificate single(List<X509Certificate> certs, String file) {
        if (certs.size() != 1) {
            throw new HsmkitException(ErrorKind.USAGE, file + " holds " + certs.size() + " certificates", "give a file with the key's certificate only");
        }
        return certs.get(0);
    }
}
