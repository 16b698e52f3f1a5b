package org.hsmkit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.hsmkit.core.internal.DataObjectRules;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data objects behave the same on a PKCS#11 token (SoftHSM2) and on the soft token: labelled
 * values, private by default, that survive reopening the token and key changes; and on PKCS#11
 * they are the objects {@code pkcs11-tool --write-object/--read-object --type data} handles.
 */
class DataObjectsTest {
    private static final String PASS = "data object passphrase";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static SoftHsmToken hsm;

    @TempDir
    static Path dir;

    @BeforeAll
    static void createHsm() {
        hsm = SoftHsmToken.create("data");
    }

    @AfterAll
    static void closeHsm() {
        hsm.close();
    }

    /** Opens the token anew each time (a fresh object: what it shows comes from the token). */
    record Kind(String name, Supplier<Token> opener) {
        Token open() {
            return opener.get();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind> tokens() {
        Path soft = dir.resolve("soft-" + RANDOM.nextInt(1 << 30) + ".p12");
        return Stream.of(
                new Kind("SoftHSM2", () -> TokenSpec.parse(hsm.uri())
                        .open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))),
                new Kind("soft token", () -> TokenSpec.parse("soft:" + soft).open(TokenOptions.withPins(PinSource.of(PASS.toCharArray())))));
    }

    private static String unique(String base) {
        return base + "-" + Integer.toHexString(RANDOM.nextInt());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void aWrittenObjectReadsBackAfterTheTokenIsOpenedAgain(Kind kind) {
        String label = unique("keyfile");
        byte[] value = random(64);
        try (Token t = kind.open()) {
            DataObject written = t.writeData(label, "hsmkit-test", value, true);
            assertEquals(new DataObject(label, "hsmkit-test", 64, true), written);
        }
        try (Token t = kind.open()) {
            assertArrayEquals(value, t.readData(label));
            assertTrue(t.dataObjects().contains(new DataObject(label, "hsmkit-test", 64, true)), t.dataObjects().toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void sizesFromNothingToTheLimitAreKeptExactlyAndOneByteMoreIsRefused(Kind kind) {
        try (Token t = kind.open()) {
            for (int size : new int[] {1, 2, DataObjectRules.MAX_SIZE - 1, DataObjectRules.MAX_SIZE}) {
                String label = unique("size" + size);
                byte[] value = random(size);
                t.writeData(label, "", value, true);
                assertArrayEquals(value, t.readData(label), "size " + size);
            }
            String tooBig = unique("too-big");
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> t.writeData(tooBig, "", new byte[DataObjectRules.MAX_SIZE + 1], true));
            assertEquals(ErrorKind.INPUT, e.kind());
            assertFalse(t.dataObjects().stream().anyMatch(d -> d.label().equals(tooBig)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void aPublicObjectIsMarkedPublic(Kind kind) {
        String label = unique("public");
        try (Token t = kind.open()) {
            t.writeData(label, "", "hello".getBytes(StandardCharsets.US_ASCII), false);
        }
        try (Token t = kind.open()) {
            DataObject d = t.dataObjects().stream().filter(o -> o.label().equals(label)).findFirst().orElseThrow();
            assertFalse(d.privateObject());
            assertEquals("hello", new String(t.readData(label), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void aSecondObjectWithTheSameLabelIsRefusedAndTheFirstIsKept(Kind kind) {
        String label = unique("taken");
        try (Token t = kind.open()) {
            t.writeData(label, "", new byte[] {1}, true);
            HsmkitException e = assertThrows(HsmkitException.class, () -> t.writeData(label, "", new byte[] {2}, true));
            assertEquals(ErrorKind.KEY, e.kind());
            assertTrue(e.getMessage().contains("exists"), e.getMessage());
            assertTrue(e.hint().orElseThrow().contains("hsmkit data delete --label " + label));
            assertArrayEquals(new byte[] {1}, t.readData(label));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void deletingRemovesOnlyThatObjectAndAMissingLabelIsAKeyError(Kind kind) {
        String gone = unique("gone");
        String kept = unique("kept");
        try (Token t = kind.open()) {
            t.writeData(gone, "", new byte[] {1}, true);
            t.writeData(kept, "", new byte[] {2}, true);
            t.deleteData(gone);
        }
        try (Token t = kind.open()) {
            List<String> labels = t.dataObjects().stream().map(DataObject::label).toList();
            assertFalse(labels.contains(gone), labels.toString());
            assertTrue(labels.contains(kept), labels.toString());
            for (Runnable r : List.<Runnable>of(() -> t.readData(gone), () -> t.deleteData(gone))) {
                HsmkitException e = assertThrows(HsmkitException.class, r::run);
                assertEquals(ErrorKind.KEY, e.kind());
                assertTrue(e.getMessage().contains("no data object labelled '" + gone + "'"), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void keyChangesKeepTheDataObjectsAndDataChangesKeepTheKeys(Kind kind) throws Exception {
        String label = unique("beside-keys");
        String keyLabel = unique("key");
        byte[] value = random(100);
        try (Token t = kind.open()) {
            t.writeData(label, "", value, true);
            TokenKey k = t.generateKey(KeyType.EC_P256, keyLabel, null);
            t.deleteKey(k);
            t.generateKey(KeyType.EC_P256, keyLabel, null);
            t.deleteData(label);
        }
        try (Token t = kind.open()) {
            assertFalse(t.dataObjects().stream().anyMatch(d -> d.label().equals(label)));
            assertEquals(keyLabel, t.key(keyLabel).label());
            t.writeData(label, "", value, true);
        }
        try (Token t = kind.open()) {
            assertArrayEquals(value, t.readData(label));
            assertEquals(keyLabel, t.key(keyLabel).label());
        }
    }

    @Test
    void pkcs11ToolReadsWhatHsmkitWroteAndHsmkitReadsWhatPkcs11ToolWrote() throws Exception {
        Kind softHsm = tokens().findFirst().orElseThrow();
        String ours = unique("from-hsmkit");
        byte[] value = random(48);
        try (Token t = softHsm.open()) {
            t.writeData(ours, "hsmkit", value, true);
        }
        Path out = dir.resolve(ours + ".bin");
        hsm.pkcs11Tool("--read-object", "--type", "data", "--label", ours, "--output-file", out.toString());
        assertArrayEquals(value, Files.readAllBytes(out));

        String theirs = unique("from-pkcs11-tool");
        Path in = dir.resolve(theirs + ".bin");
        byte[] theirValue = random(33);
        Files.write(in, theirValue);
        hsm.pkcs11Tool("--write-object", in.toString(), "--type", "data", "--label", theirs, "--private");
        try (Token t = softHsm.open()) {
            assertArrayEquals(theirValue, t.readData(theirs));
            DataObject d = t.dataObjects().stream().filter(o -> o.label().equals(theirs)).findFirst().orElseThrow();
            assertTrue(d.privateObject());
            assertEquals(33, d.size());
        }
    }

    @Test
    void theSoftTokenFileStaysAPkcs12FileThatOpensslReads() {
        Path soft = dir.resolve("openssl-reads.p12");
        try (Token t = TokenSpec.parse("soft:" + soft).open(TokenOptions.withPins(PinSource.of(PASS.toCharArray())))) {
            t.generateKey(KeyType.EC_P256, "a key", null);
            t.writeData("private one", "app", random(20), true);
            t.writeData("public one", "", random(20), false);
        }
        ExternalTool.Result r = ExternalTool.run(dir, null, java.util.Map.of(), List.of("openssl", "pkcs12", "-in", soft.toString(),
                "-info", "-nokeys", "-passin", "pass:" + PASS)).requireSuccess();
        String all = r.stdoutText() + r.stderr();
        assertTrue(all.contains("MAC verified OK") || all.contains("MAC: sha256"), all);
    }
}
