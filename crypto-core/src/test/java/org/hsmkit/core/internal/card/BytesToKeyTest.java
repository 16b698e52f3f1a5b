package org.hsmkit.core.internal.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.Test;

/** The fast iterated MD5 against the JDK's MD5, and the whole derivation against {@code openssl enc -P}. */
class BytesToKeyTest {

    @Test
    void iteratingTheCompressionIsIteratingMd5() throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] d = md5.digest("seed".getBytes(StandardCharsets.UTF_8));
        for (int rounds : new int[] {0, 1, 2, 17, 1000}) {
            byte[] expected = d.clone();
            for (int i = 0; i < rounds; i++) {
                expected = md5.digest(expected);
            }
            assertArrayEquals(expected, BytesToKey.iterate(d, rounds), rounds + " rounds");
        }
    }

    @Test
    void oneIterationIsOpensslEncKeyAndIv() {
        ExternalTool.require("openssl", "openssl");
        String out = ExternalTool.run(null, null, Map.of(), List.of("openssl", "enc", "-aes-256-cbc", "-md", "md5",
                "-S", "a1b2c3d4e5f60718", "-pass", "pass:secret", "-P")).requireSuccess().stdoutText();
        String key = out.lines().filter(l -> l.startsWith("key=")).findFirst().orElseThrow().substring(4).trim();
        String iv = out.lines().filter(l -> l.startsWith("iv")).findFirst().orElseThrow().replaceFirst("iv\\s*=", "").trim();
        byte[] derived = BytesToKey.derive("secret".getBytes(StandardCharsets.UTF_8),
                HexFormat.of().parseHex("a1b2c3d4e5f60718"), 1, 48);
        assertEquals(key.toLowerCase(), HexFormat.of().formatHex(derived, 0, 32));
        assertEquals(iv.toLowerCase(), HexFormat.of().formatHex(derived, 32, 48));
    }

    @Test
    void manyIterationsChainEachBlockThroughAllRounds() throws Exception {
        // reference: the definition, with the JDK's MD5
        byte[] pwd = "pw".getBytes(StandardCharsets.UTF_8);
        byte[] salt = HexFormat.of().parseHex("0011223344556677");
        int count = 300;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] expected = new byte[48];
        byte[] prev = new byte[0];
        for (int filled = 0; filled < 48; filled += 16) {
            md5.update(prev);
            md5.update(pwd);
            md5.update(salt);
            byte[] b = md5.digest();
            for (int i = 1; i < count; i++) {
                b = md5.digest(b);
            }
            System.arraycopy(b, 0, expected, filled, 16);
            prev = b;
        }
        assertArrayEquals(expected, BytesToKey.derive(pwd, salt, count, 48));
    }
}
