package org.hsmkit.fuzz;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpTokenKey;

/**
 * The corpus keys of {@link FuzzPki} as OpenPGP keys (fixed creation time, so their fingerprints
 * never change), their certificates, and the certificate of the GnuPG key that signed some seeds
 * ({@code pgp/gnupg.asc}, made by {@code bench/fuzz.sh seeds}).
 */
final class PgpCorpus {
    static final Instant CREATED = Instant.parse("2024-01-02T03:04:05Z");
    static final String RSA_USER = "Fuzz RSA <" + FuzzPki.RSA_EMAIL + ">";
    static final String EC_USER = "Fuzz EC <" + FuzzPki.EC_EMAIL + ">";
    static final String GNUPG_CERTIFICATE = "/org/hsmkit/fuzz/pgp/gnupg.asc";

    final PgpTokenKey rsa;
    final PgpTokenKey ec;
    final PgpCertificate rsaCertificate;
    final PgpCertificate ecCertificate;

    private PgpCorpus() {
        FuzzPki pki = FuzzPki.get();
        rsa = PgpTokenKey.of(pki.rsaKey, CREATED);
        ec = PgpTokenKey.of(pki.ecKey, CREATED);
        rsaCertificate = PgpCertificate.builder(rsa).encryptionKey(rsa).userId(RSA_USER).signedAt(CREATED.plusSeconds(60)).build();
        ecCertificate = PgpCertificate.builder(ec).encryptionKey(ec).userId(EC_USER).signedAt(CREATED.plusSeconds(60)).build();
    }

    static PgpCorpus get() {
        return Holder.CORPUS;
    }

    /** Made on first use (class initialisation is thread-safe and lazy). */
    private static final class Holder {
        static final PgpCorpus CORPUS = new PgpCorpus();
    }

    List<PgpTokenKey> keys() {
        return List.of(rsa, ec);
    }

    /** The certificates signatures are checked against: the corpus keys' and GnuPG's. */
    List<PgpCertificate> keyring() {
        List<PgpCertificate> all = new ArrayList<>(List.of(rsaCertificate, ecCertificate));
        all.addAll(PgpCertificate.read(new ByteArrayInputStream(FuzzPki.resource(GNUPG_CERTIFICATE))));
        return all;
    }
}
