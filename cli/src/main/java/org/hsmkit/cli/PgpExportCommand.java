package org.hsmkit.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpTokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit pgp export}: an OpenPGP certificate whose private keys stay on the token. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make an OpenPGP certificate (transferable public key) from token keys.",
            "The signing key is the primary key, --encryption-key (RSA or EC; may be the same key) an"
                + " encryption subkey; the self-signatures are made on the token.",
            "The key's creation time is kept on the token, so every export gives the same fingerprint. Writes ASCII armour to standard output unless -o is given."})
final class PgpExportCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "the signing (primary) key")
    String key;

    @Option(names = "--encryption-key", paramLabel = "KEY", description = "the key others encrypt to (default: none, a signing-only certificate)")
    String encryptionKey;

    @Option(names = {"--user-id", "--uid"}, paramLabel = "UID", required = true, description = "'Name <mail@example.org>'; repeatable, the first is primary")
    List<String> userIds = new ArrayList<>();

    @Option(names = "--expires", paramLabel = "WHEN", defaultValue = "never",
            description = "2y, 18m, 6w, 90d, a date (2027-12-31) or never (default)")
    String expires;

    @Option(names = "--created", paramLabel = "DATE",
            description = "the keys' OpenPGP creation time when none is stored yet (default: now); to re-create a certificate made elsewhere")
    String created;

    @Option(names = "--binary", description = "write binary packets instead of ASCII armour")
    boolean binary;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "output file ('-' for standard output)")
    String output;

    PgpExportCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        Instant expiry = PgpCommand.expiry(expires, now);
        Instant proposed = created == null ? now : PgpCommand.time(created);
        try (AtomicOutput out = session.output(output, binary)) {
            Token token = session.tokenFor(key);
            TokenKey signing = token.key(key);
            PgpTokenKey primary = withTime(token, signing, proposed);
            PgpCertificate.Builder b = PgpCertificate.builder(primary).expiresAt(expiry);
            userIds.forEach(b::userId);
            if (encryptionKey != null) {
                TokenKey enc = token.key(encryptionKey);
                b.encryptionKey(withTime(token, enc, proposed));
            }
            PgpCertificate cert = b.build();
            OutputStream s = out.stream();
            s.write(binary ? cert.encoded() : cert.armored().getBytes(StandardCharsets.US_ASCII));
            s.flush();
            out.commit();
            List<String> fprs = cert.keyFingerprints();
            session.info("hsmkit: exported the OpenPGP certificate " + cert.fingerprint() + " '" + userIds.get(0) + "'"
                    + (fprs.size() > 1 ? " with the encryption subkey " + fprs.get(1)
                            : encryptionKey != null ? ", whose primary key also encrypts" : "")
                    + " (keys created " + primary.creationTime() + ")");
            if (encryptionKey == null) {
                // gpg users expect to encrypt to any certificate they are given; say so before they try
                session.info("hsmkit: it can only sign: no one can encrypt to it; add --encryption-key KEY"
                        + " (an RSA key may be the signing key itself) for a certificate others can encrypt to");
            }
        }
        return 0;
    }

    private PgpTokenKey withTime(Token token, TokenKey k, Instant proposed) {
        Optional<Instant> stored = PgpTokenKey.storedCreationTime(token, k);
        if (stored.isPresent() && created != null && !stored.get().equals(PgpTokenKey.of(k, proposed).creationTime())) {
            throw new HsmkitException(ErrorKind.USAGE, "the key '" + k.label() + "' already has the OpenPGP creation time " + stored.get()
                    + "; another one would change its fingerprint", "leave out --created");
        }
        return PgpTokenKey.storedOrNew(token, k, proposed);
    }
}
