package org.hsmkit.core.vectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hsmkit.core.internal.Providers;

/**
 * Test vectors in the Wycheproof JSON layout, from testdata's {@code vectors/} directory: the
 * {@code wycheproof/} excerpts (Apache License 2.0, source named in each file) and the
 * {@code generated/} files (made by {@code make_vectors.py} with Python and openssl).
 */
public final class Vectors {
    private Vectors() {
    }

    /** One test case with the group it belongs to. */
    public record Case(JsonNode group, JsonNode test) {
        public int id() {
            return test.get("tcId").asInt();
        }

        public String text(String field) {
            return test.get(field).asText();
        }

        public byte[] hex(String field) {
            return HexFormat.of().parseHex(test.get(field).asText());
        }

        public boolean valid() {
            return "valid".equals(test.get("result").asText());
        }

        public boolean flagged(String flag) {
            for (JsonNode f : test.get("flags")) {
                if (flag.equals(f.asText())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "tcId " + id() + " " + test.get("comment").asText() + (valid() ? " (valid)" : " (invalid)");
        }
    }

    public static JsonNode file(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no vector file " + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Case> cases(String name) {
        List<Case> out = new ArrayList<>();
        for (JsonNode g : file(name).get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                out.add(new Case(g, t));
            }
        }
        return out;
    }

    /** The 2048-bit RSA key of the Wycheproof PKCS#1 excerpt, which the generated RSA vectors use too. */
    public static java.security.interfaces.RSAPrivateCrtKey rsaKey() {
        return (java.security.interfaces.RSAPrivateCrtKey) privateKey(file("wycheproof/rsa_pkcs1_2048_excerpt.json")
                .get("testGroups").get(0), "RSA");
    }

    /** {@link #rsaKey()} as a soft key (no certificate). */
    public static org.hsmkit.core.internal.soft.SoftKey rsaSoftKey() {
        java.security.interfaces.RSAPrivateCrtKey k = rsaKey();
        try {
            java.security.PublicKey pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
            return new org.hsmkit.core.internal.soft.SoftKey(k, pub, java.util.List.of(), "wycheproof", null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#8 private key given in hex in a group. */
    public static PrivateKey privateKey(JsonNode group, String algorithm) {
        try {
            byte[] der = HexFormat.of().parseHex(group.get("privateKeyPkcs8").asText());
            return KeyFactory.getInstance(algorithm, Providers.bc()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
