package org.hsmkit.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.internal.soft.PrivateKeys;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.core.vectors.Vectors;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ECDH peer points against vectors (P-256, P-384, brainpoolP256r1): points not on the curve, on
 * another curve, the point at infinity, coordinates outside the field and odd encodings are
 * refused on the host; the valid ones (uncompressed and compressed) give the shared secret openssl
 * computed, with the key in SoftHSM2 and as a soft key.
 */
class EcdhPeerPointsTest {
    private static final String FILE = "generated/ecdh_peer_points_test.json";
    private static SoftHsmToken hsm;
    private static Token token;

    @BeforeAll
    static void open() {
        hsm = SoftHsmToken.create("ecdhvectors");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
    }

    @AfterAll
    static void close() {
        token.close();
        hsm.close();
    }

    private static KeyType type(JsonNode group) {
        String curve = group.get("curve").asText();
        for (KeyType t : KeyType.values()) {
            if (t.curveName().filter(curve::equals).isPresent()) {
                return t;
            }
        }
        throw new IllegalStateException(curve);
    }

    @Test
    void everyInvalidPointIsRefusedAndEveryValidOneAccepted() {
        int invalid = 0;
        for (Vectors.Case c : Vectors.cases(FILE)) {
            KeyType t = type(c.group());
            if (c.valid()) {
                byte[] point = PeerPoints.uncompressed(c.hex("public"), t);
                assertEquals(2 * ((t.bits() + 7) / 8) + 1, point.length, c.toString());
            } else {
                HsmkitException e = assertThrows(HsmkitException.class, () -> PeerPoints.uncompressed(c.hex("public"), t), c.toString());
                assertEquals(ErrorKind.INPUT, e.kind(), c.toString());
                assertTrue(e.getMessage().contains("refused before the private key was used"), e.getMessage());
                invalid++;
            }
        }
        assertTrue(invalid >= 30, invalid + " invalid points");
    }

    @Test
    void validPointsGiveOpensslsSharedSecretOnSoftHsmAndWithTheSoftKey() throws Exception {
        List<String> done = new ArrayList<>();
        for (JsonNode group : Vectors.file(FILE).get("testGroups")) {
            KeyType t = type(group);
            PrivateKey priv = Vectors.privateKey(group, "EC");
            PublicKey pub = PrivateKeys.publicKeyOf(priv);
            TokenKey soft = new SoftKey(priv, pub, List.of(), "soft-" + t.spec(), null);
            TokenKey onToken = token.importKey(priv, List.of(), "ecdh-" + t.spec(), null);
            for (JsonNode test : group.get("tests")) {
                Vectors.Case c = new Vectors.Case(group, test);
                if (!c.valid()) {
                    continue;
                }
                ECPublicKey peer = peerKey(pub, PeerPoints.uncompressed(c.hex("public"), t));
                assertArrayEquals(c.hex("shared"), soft.agree(peer), t + " soft " + c);
                assertArrayEquals(c.hex("shared"), onToken.agree(peer), t + " SoftHSM2 " + c);
                done.add(t + " " + c.id());
            }
        }
        assertEquals(6, done.size(), done.toString());
    }

    private static ECPublicKey peerKey(PublicKey onCurve, byte[] point) throws Exception {
        AlgorithmIdentifier curve = SubjectPublicKeyInfo.getInstance(onCurve.getEncoded()).getAlgorithm();
        return (ECPublicKey) KeyFactory.getInstance("EC", Providers.bc())
                .generatePublic(new X509EncodedKeySpec(new SubjectPublicKeyInfo(curve, point).getEncoded()));
    }
}
