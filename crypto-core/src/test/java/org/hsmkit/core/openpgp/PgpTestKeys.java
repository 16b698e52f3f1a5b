package org.hsmkit.core.openpgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;

/**
 * The test PKI's keys as OpenPGP keys: a fixed creation time, one certificate per user (the key
 * signs as primary key and encrypts as subkey), and for GnuPG the same certificate as a secret
 * key (made here from the private key, unprotected), so both sides hold the same key.
 */
final class PgpTestKeys {
    static final Instant CREATED = Instant.parse("2024-05-06T07:08:09Z");

    private PgpTestKeys() {
    }

    static List<TestUser> users() {
        List<TestUser> out = new ArrayList<>();
        for (TestUser u : TestUser.values()) {
            if (u != TestUser.SIGNER_ONLY_RSA) {
                out.add(u);
            }
        }
        return out;
    }

    static SoftKey softKey(TestUser u) {
        TestPki.Credential c = TestPki.standard().user(u);
        return SoftKey.of(c.privateKey(), c.chain(), u.fileName());
    }

    static PgpTokenKey key(TestUser u) {
        return PgpTokenKey.of(softKey(u), CREATED);
    }

    static String userId(TestUser u) {
        return u.commonName() + " <" + u.email() + ">";
    }

    static PgpCertificate certificate(TestUser u) {
        PgpTokenKey k = key(u);
        return PgpCertificate.builder(k).encryptionKey(k).userId(userId(u)).signedAt(CREATED.plusSeconds(60)).build();
    }

    /** The certificate with every key packet turned into an unprotected secret key packet, armoured. */
    static String secretKey(TestUser u, PgpCertificate cert) {
        PrivateKey priv = TestPki.standard().user(u).privateKey();
        try {
            List<PGPSecretKey> keys = new ArrayList<>();
            boolean primary = true;
            for (Iterator<PGPPublicKey> it = cert.ring().getPublicKeys(); it.hasNext();) {
                PGPPublicKey pub = it.next();
                keys.add(new PGPSecretKey(new JcaPGPKeyConverter().setProvider(Providers.bc()).getPGPPrivateKey(pub, priv), pub,
                        new JcaPGPDigestCalculatorProviderBuilder().build().get(org.bouncycastle.bcpg.HashAlgorithmTags.SHA1), primary, null));
                primary = false;
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ArmoredOutputStream a = ArmoredOutputStream.builder().build(b)) {
                new PGPSecretKeyRing(keys).encode(a);
            }
            return b.toString(java.nio.charset.StandardCharsets.US_ASCII);
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
