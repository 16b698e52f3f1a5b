package org.hsmkit.core.openpgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;
import org.hsmkit.core.internal.openpgp.TokenSignerBuilder;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;

/**
 * What makes a mathematically correct signature fail verification anyway: the key was expired when
 * it signed, has expired since (accepted only on request), is revoked, or is a subkey without a
 * valid binding.
 */
class PgpVerificationTest {
    private static final byte[] DATA = "signed data\n".getBytes();
    private static final Instant Y2020 = Instant.parse("2020-01-01T00:00:00Z");

    private static byte[] sign(PgpTokenKey key, Instant at) {
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        PgpSigner.with(key).mode(SignatureMode.DETACHED).signedAt(at).build().sign(new ByteArrayInputStream(DATA), sig);
        return sig.toByteArray();
    }

    private static List<VerifiedSignature> verify(PgpVerifier v, byte[] sig) {
        return v.verifyDetached(new ByteArrayInputStream(sig), new ByteArrayInputStream(DATA));
    }

    private static HsmkitException fails(PgpVerifier v, byte[] sig) {
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(v, sig));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
        return e;
    }

    /** A certificate made in 2020 that expired at the start of 2021. */
    private static PgpCertificate expiring(PgpTokenKey k) {
        return PgpCertificate.builder(k).userId("Old <old@hsmkit.test>").signedAt(Y2020.plusSeconds(60))
                .expiresAt(Instant.parse("2021-01-01T00:00:00Z")).build();
    }

    @Test
    void aKeyThatHadExpiredWhenItSignedFails() {
        PgpTokenKey k = PgpTokenKey.of(PgpTestKeys.softKey(TestUser.CAROL_P384), Y2020);
        HsmkitException e = fails(PgpVerifier.trusting(List.of(expiring(k))), sign(k, Instant.parse("2022-06-01T00:00:00Z")));
        assertTrue(e.getMessage().contains("had expired"), e.getMessage());
    }

    @Test
    void aKeyThatExpiredAfterSigningFailsUnlessAccepted() {
        PgpTokenKey k = PgpTokenKey.of(PgpTestKeys.softKey(TestUser.CAROL_P384), Y2020);
        PgpCertificate cert = expiring(k);
        byte[] sig = sign(k, Instant.parse("2020-06-01T00:00:00Z"));
        HsmkitException e = fails(PgpVerifier.trusting(List.of(cert)), sig);
        assertTrue(e.getMessage().contains("has expired"), e.getMessage());
        assertTrue(e.hint().orElse("").contains("--accept-expired"));
        List<VerifiedSignature> ok = verify(PgpVerifier.trusting(List.of(cert)).acceptingKeysExpiredSinceSigning(true), sig);
        assertEquals(Optional.of(Instant.parse("2021-01-01T00:00:00Z")), ok.get(0).keyExpiredSince());
    }

    @Test
    void aRevokedKeyFailsEvenForSignaturesMadeBeforeTheRevocation() throws Exception {
        PgpTokenKey k = PgpTestKeys.key(TestUser.ALICE_RSA2048);
        PgpCertificate cert = PgpTestKeys.certificate(TestUser.ALICE_RSA2048);
        byte[] sig = sign(k, PgpTestKeys.CREATED.plusSeconds(3600));
        assertEquals(1, verify(PgpVerifier.trusting(List.of(cert)), sig).size());

        PGPPublicKey primary = cert.ring().getPublicKey();
        PGPSignatureGenerator g = new PGPSignatureGenerator(new TokenSignerBuilder(k.key(), primary.getAlgorithm()), primary);
        g.init(PGPSignature.KEY_REVOCATION, OpenPgpKeys.handle(primary));
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, Date.from(PgpTestKeys.CREATED.plusSeconds(7200)));
        hashed.setIssuerFingerprint(false, primary);
        hashed.setRevocationReason(false, RevocationReasonTags.KEY_COMPROMISED, "lost");
        g.setHashedSubpackets(hashed.generate());
        PGPPublicKey revoked = PGPPublicKey.addCertification(primary, g.generateCertification(primary));
        PgpCertificate revokedCert = new PgpCertificate(PGPPublicKeyRing.insertPublicKey(cert.ring(), revoked));

        HsmkitException e = fails(PgpVerifier.trusting(List.of(revokedCert)), sig);
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
    }

    /** Bob's certificate with Carol's key as a signing subkey, bound by {@code binding} (or not at all). */
    private static PgpCertificate withSigningSubkey(boolean bind) throws Exception {
        PgpTokenKey bob = PgpTestKeys.key(TestUser.BOB_P256);
        PgpTokenKey carol = PgpTestKeys.key(TestUser.CAROL_P384);
        PgpCertificate base = PgpCertificate.builder(bob).userId(PgpTestKeys.userId(TestUser.BOB_P256)).signedAt(PgpTestKeys.CREATED).build();
        PGPPublicKey primary = base.ring().getPublicKey();
        PGPPublicKey sub = OpenPgpKeys.asSubkey(OpenPgpKeys.publicKey(carol.key(), carol.creationTime(), false));
        if (bind) {
            // flags say "sign", but the embedded back-signature by the subkey (RFC 9580 5.2.1) is missing
            PGPSignatureGenerator g = new PGPSignatureGenerator(new TokenSignerBuilder(bob.key(), primary.getAlgorithm()), primary);
            g.init(PGPSignature.SUBKEY_BINDING, OpenPgpKeys.handle(primary));
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(PgpTestKeys.CREATED));
            hashed.setIssuerFingerprint(false, primary);
            hashed.setKeyFlags(true, KeyFlags.SIGN_DATA);
            g.setHashedSubpackets(hashed.generate());
            sub = PGPPublicKey.addCertification(sub, g.generateCertification(primary, sub));
        }
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = base.ring().getPublicKeys(); it.hasNext();) {
            keys.add(it.next());
        }
        keys.add(sub);
        return new PgpCertificate(new PGPPublicKeyRing(keys));
    }

    @Test
    void aSubkeyWithoutABindingSignatureCannotSign() throws Exception {
        byte[] sig = sign(PgpTestKeys.key(TestUser.CAROL_P384), PgpTestKeys.CREATED.plusSeconds(60));
        HsmkitException e = fails(PgpVerifier.trusting(List.of(withSigningSubkey(false))), sig);
        assertTrue(e.getMessage().contains("binding") || e.getMessage().contains("not part"), e.getMessage());
    }

    @Test
    void aSigningSubkeyWithoutBackSignatureCannotSign() throws Exception {
        byte[] sig = sign(PgpTestKeys.key(TestUser.CAROL_P384), PgpTestKeys.CREATED.plusSeconds(60));
        fails(PgpVerifier.trusting(List.of(withSigningSubkey(true))), sig);
    }

    @Test
    void aSignatureOlderThanItsKeyFails() {
        PgpTokenKey k = PgpTestKeys.key(TestUser.ERIN_BP256);
        HsmkitException e = fails(PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.ERIN_BP256))), sign(k, Y2020));
        assertTrue(e.getMessage().contains("older than its key"), e.getMessage());
    }

    /** A detached signature by Alice over {@link #DATA} with the hashed subpackets {@code extra} adds. */
    private static byte[] signWith(java.util.function.Consumer<PGPSignatureSubpacketGenerator> extra, Instant at) throws Exception {
        PgpTokenKey k = PgpTestKeys.key(TestUser.ALICE_RSA2048);
        PGPPublicKey primary = PgpTestKeys.certificate(TestUser.ALICE_RSA2048).ring().getPublicKey();
        PGPSignatureGenerator g = new PGPSignatureGenerator(new TokenSignerBuilder(k.key(), primary.getAlgorithm()), primary);
        g.init(PGPSignature.BINARY_DOCUMENT, OpenPgpKeys.handle(primary));
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, Date.from(at));
        hashed.setIssuerFingerprint(false, primary);
        extra.accept(hashed);
        g.setHashedSubpackets(hashed.generate());
        g.update(DATA);
        return g.generate().getEncoded();
    }

    private static final PgpVerifier ALICE = PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.ALICE_RSA2048)));

    /** RFC 9580 5.2.3.7: a critical subpacket the verifier does not understand makes the signature invalid, as gpg treats it. */
    @Test
    void aCriticalNotationOrUnknownCriticalSubpacketFailsTheSignatureAndANonCriticalOneDoesNot() throws Exception {
        Instant at = PgpTestKeys.CREATED.plusSeconds(3600);
        assertEquals(1, verify(ALICE, signWith(h -> h.addNotationData(false, true, "approval@example.org", "yes"), at)).size());
        HsmkitException e = fails(ALICE, signWith(h -> h.addNotationData(true, true, "approval@example.org", "yes"), at));
        assertTrue(e.getMessage().contains("critical notation (approval@example.org)"), e.getMessage());
        e = fails(ALICE, signWith(h -> h.addCustomSubpacket(new org.bouncycastle.bcpg.SignatureSubpacket(105, true, false, new byte[] {1}) { }), at));
        assertTrue(e.getMessage().contains("critical subpacket of type 105"), e.getMessage());
        e = fails(ALICE, signWith(h -> h.addPolicyURI(true, "https://example.org/policy"), at));
        assertTrue(e.getMessage().contains("type 26"), e.getMessage());
        // critical subpackets that do not change what a document signature means are fine
        assertEquals(1, verify(ALICE, signWith(h -> {
            h.setExportable(true, true);
            h.setSignerUserID(true, "Alice <alice@hsmkit.test>");
        }, at)).size());
    }

    @Test
    void aSignaturePastItsOwnExpiryFailsAndOneWithinItVerifies() throws Exception {
        Instant at = PgpTestKeys.CREATED.plusSeconds(3600);
        HsmkitException e = fails(ALICE, signWith(h -> h.setSignatureExpirationTime(true, 600), at));
        assertTrue(e.getMessage().contains("expired at " + at.plusSeconds(600)), e.getMessage());
        long untilNextCentury = java.time.Duration.between(at, Instant.parse("2099-01-01T00:00:00Z")).getSeconds();
        assertEquals(1, verify(ALICE, signWith(h -> h.setSignatureExpirationTime(false, untilNextCentury), at)).size());
    }
}
