package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.FaultInjectingModule;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a batch decryption asks of the token, counted by a module that logs every call on its way
 * to SoftHSM2: one login for the whole batch, the keys listed once however many files there are,
 * and one private-key operation per file.
 */
class BatchDecryptionCallsCliTest {
    @TempDir
    static Path dir;
    static SoftHsmToken hsm;
    static FaultInjectingModule counting;

    @BeforeAll
    static void token() {
        TestPki.standard().writeTo(dir);
        hsm = SoftHsmToken.create("batch-calls");
        counting = FaultInjectingModule.build(Path.of("target", "fault-injector"));
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
            t.importKey(alice.privateKey(), alice.chain(), "alice", null);
        }
    }

    @AfterAll
    static void close() {
        counting.plan();
        hsm.close();
    }

    /**
     * Encrypts {@code files} files to alice, decrypts them in one run, and returns that run's calls.
     * One worker: with two, both may try SoftHSM2's OAEP before the first refusal is remembered,
     * and the count of object searches would depend on timing.
     */
    private static List<String> decryptedInOneRun(int files) throws Exception {
        List<String> plain = new ArrayList<>();
        List<String> encrypted = new ArrayList<>();
        Random random = new Random(files);
        for (int i = 0; i < files; i++) {
            byte[] content = new byte[4096 + i];
            random.nextBytes(content);
            String name = "set" + files + "-" + i + ".bin";
            Files.write(dir.resolve(name), content);
            plain.add(name);
            encrypted.add(name + ".p7m");
        }
        List<String> encrypt = new ArrayList<>(List.of("encrypt", "-r", "alice-rsa2048.pem"));
        encrypt.addAll(plain);
        CliRun.in(dir).run(encrypt.toArray(String[]::new)).assertOk();

        List<String> decrypt = new ArrayList<>(List.of("-t", hsm.uri(), "--module", counting.path().toString(),
                "--pin-file", hsm.pinFile().toString(), "decrypt", "--jobs", "1", "--output-dir", "out" + files));
        decrypt.addAll(encrypted);
        counting.plan();
        CliRun.in(dir).run(decrypt.toArray(String[]::new)).assertOk();
        List<String> calls = counting.calls();
        for (String name : plain) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(name)), Files.readAllBytes(dir.resolve("out" + files).resolve(name)));
        }
        return calls;
    }

    private static long count(List<String> calls, String function) {
        return calls.stream().filter(l -> l.startsWith(function + " ")).count();
    }

    @Test
    void oneLoginOneListingAndOnePrivateKeyOperationPerFile() throws Exception {
        List<String> two = decryptedInOneRun(2);
        List<String> six = decryptedInOneRun(6);
        assertEquals(1, count(six, "C_Login"), String.join(",", six));
        // at most the key's object, found for each operation: the listing is not repeated
        assertTrue(count(six, "C_FindObjectsInit") - count(two, "C_FindObjectsInit") <= 4,
                "at most one more object search per file: " + two + " against " + six);
        assertEquals(count(two, "C_GetAttributeValue"), count(six, "C_GetAttributeValue"),
                "attributes read as often for six files as for two: " + two + " against " + six);
        // SoftHSM2's OAEP takes SHA-1 only: one refused C_DecryptInit, then raw RSA for every file
        assertEquals(6, six.stream().filter("C_DecryptInit 0x0"::equals).count(), String.join(",", six));
    }
}
