package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSC's sc-hsm-tool drives the simulator through a key backup: initialise two cards for one
 * DKEK share, create a password-protected share file and a share whose password is split 2-of-3,
 * import them (the key check value sc-hsm-tool prints is the card's), wrap a key, delete it,
 * unwrap it, and check that the restored key signs like the original (openssl verifies with the
 * original's public key).
 *
 * <p>sc-hsm-tool derives the share key with 10 million MD5 rounds (seconds per share), so the two
 * readers work in parallel, one sc-hsm-tool each.
 */
class ScHsmToolOnSimulatorTest {
    private static final String SO_PIN = "3537363231383830";
    private static final String PIN = "246810";
    private static final Pattern KCV = Pattern.compile("DKEK key check value : ([0-9A-F]{16})");

    @TempDir
    Path tmp;

    private static ExternalTool.Result tool(int reader, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("sc-hsm-tool", "--reader", Integer.toString(reader)));
        cmd.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(PcscTestService.shared().environment());
        env.put("TERM", "dumb"); // sc-hsm-tool clears the screen between share custodians
        return ExternalTool.run(null, stdin == null ? null : stdin.getBytes(StandardCharsets.US_ASCII), env, cmd);
    }

    private static CompletableFuture<ExternalTool.Result> async(int reader, String stdin, String... args) {
        return CompletableFuture.supplyAsync(() -> tool(reader, stdin, args));
    }

    private static void initialize(int reader) {
        tool(reader, null, "--initialize", "--so-pin", SO_PIN, "--pin", PIN, "--dkek-shares", "1", "--label", "backup")
                .requireSuccess();
        String info = tool(reader, null).requireSuccess().stdoutText();
        assertTrue(info.contains("DKEK shares          : 1"), info);
        assertTrue(info.contains("1 share(s) still missing"), info);
    }

    private static String kcvOf(SmartCardHsmSimulator card) {
        return HexFormat.of().withUpperCase().formatHex(card.dkekKcv());
    }

    @Test
    void dkekSharesFromScHsmToolImportAndAWrappedKeyIsRestored() throws Exception {
        ExternalTool.require("sc-hsm-tool", "opensc");
        PcscTestService pcsc = PcscTestService.shared();
        SmartCardHsmSimulator a = new SmartCardHsmSimulator();
        SmartCardHsmSimulator b = new SmartCardHsmSimulator();
        pcsc.insert(0, a);
        pcsc.insert(1, b);
        try {
            initialize(0);
            initialize(1);
            Path passwordShare = tmp.resolve("custodian.dkek");
            Path splitShare = tmp.resolve("split.dkek");

            // create: a share under a password on A, and a share under a 2-of-3 split password on B
            var created = async(0, null, "--create-dkek-share", passwordShare.toString(), "--password", "correct horse 1");
            SplitPassword split = createSplitShare(splitShare);
            created.join().requireSuccess();
            assertEquals(64, Files.size(passwordShare));
            assertEquals("Salted__", new String(Files.readAllBytes(passwordShare), 0, 8, StandardCharsets.US_ASCII));

            // import: the password share into A, the split share into B from custodians 1 and 3
            var importedA = async(0, null, "--import-dkek-share", passwordShare.toString(), "--password", "correct horse 1");
            ExternalTool.Result importedB = tool(1, split.answer(0, 2), "--import-dkek-share", splitShare.toString(),
                    "--pwd-shares-total", "2").requireSuccess();
            assertEquals(kcvOf(b), kcv(importedB.stdoutText()));
            String printedA = kcv(importedA.join().requireSuccess().stdoutText()); // the import on A may end after B's
            assertEquals(kcvOf(a), printedA);

            // a key on A, wrapped with its description and certificate request, lost, restored
            SmartCardHsmFixture onA = SmartCardHsmFixture.insertedAlready(0, a, PIN);
            onA.pkcs11Tool("--login", "--pin", PIN, "--keypairgen", "--key-type", "EC:prime256v1", "--id", "31",
                    "--label", "escrowed").requireSuccess();
            int ref = a.keyReferences().iterator().next();
            assertEquals(1, ref, "OpenSC takes the first free key reference after the device key");
            java.security.PublicKey original = a.publicKey(ref).orElseThrow();
            Path wrapped = tmp.resolve("escrowed.wrapped");
            tool(0, null, "--wrap-key", wrapped.toString(), "--key-reference", Integer.toString(ref), "--pin", PIN)
                    .requireSuccess();
            onA.pkcs11Tool("--login", "--pin", PIN, "--delete-object", "--type", "privkey", "--id", "31").requireSuccess();
            assertTrue(a.keyReferences().isEmpty(), "the key is gone");
            String unwrapped = tool(0, null, "--unwrap-key", wrapped.toString(), "--key-reference", "7", "--pin", PIN)
                    .requireSuccess().stdoutText();
            assertTrue(unwrapped.contains("Private Key Description (PRKD)"), unwrapped);
            assertTrue(unwrapped.contains("Key successfully imported"), unwrapped);
            assertEquals(original, a.publicKey(7).orElseThrow());

            // OpenSC finds the restored key under its old id and label; openssl checks with the original key
            Path msg = Files.writeString(tmp.resolve("msg"), "signed by a restored key", StandardCharsets.US_ASCII);
            Path sig = tmp.resolve("sig");
            String objects = onA.pkcs11Tool("--login", "--pin", PIN, "--list-objects").requireSuccess().stdoutText();
            assertTrue(objects.contains("label:      escrowed"), objects);
            onA.pkcs11Tool("--login", "--pin", PIN, "--sign", "--id", "31", "--mechanism", "ECDSA-SHA256",
                    "--signature-format", "openssl", "--input-file", msg.toString(), "--output-file", sig.toString())
                    .requireSuccess();
            Path pub = tmp.resolve("original.pem");
            Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(original.getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            ExternalTool.run(tmp, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(),
                    msg.toString()).requireSuccess();
        } finally {
            pcsc.remove(0);
            pcsc.remove(1);
        }
    }

    private static String kcv(String out) {
        Matcher m = KCV.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    /** The prime and the three shares sc-hsm-tool printed for a 2-of-3 split password. */
    record SplitPassword(String prime, List<String> ids, List<String> values) {
        /** What two custodians type into sc-hsm-tool --import-dkek-share --pwd-shares-total 2. */
        String answer(int first, int second) {
            return prime + "\n\n" + ids.get(first) + "\n" + values.get(first) + "\n\n" + ids.get(second) + "\n"
                    + values.get(second) + "\n";
        }

        /**
         * The password the shares stand for (Lagrange at 0 over GF(prime)). sc-hsm-tool makes an
         * 8-byte password but gives the recombined one back without leading zero bytes, so a
         * password starting with a 00 byte (1 in 128) never decrypts its own share file.
         */
        byte[] password() {
            BigInteger p = new BigInteger(prime.replace(":", ""), 16);
            BigInteger x1 = new BigInteger(ids.get(0));
            BigInteger x2 = new BigInteger(ids.get(1));
            BigInteger y1 = new BigInteger(values.get(0).replace(":", ""), 16);
            BigInteger y2 = new BigInteger(values.get(1).replace(":", ""), 16);
            BigInteger l1 = x2.multiply(x2.subtract(x1).modInverse(p));
            BigInteger l2 = x1.multiply(x1.subtract(x2).modInverse(p));
            return y1.multiply(l1).add(y2.multiply(l2)).mod(p).toByteArray();
        }
    }

    private static SplitPassword createSplitShare(Path file) throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            Files.deleteIfExists(file);
            String out = tool(1, "\n".repeat(7), "--create-dkek-share", file.toString(), "--pwd-shares-threshold", "2",
                    "--pwd-shares-total", "3").requireSuccess().stdoutText();
            Matcher prime = Pattern.compile("Prime       : ([0-9A-Fa-f:]+)").matcher(out);
            Matcher id = Pattern.compile("Share ID    : (\\d+)").matcher(out);
            Matcher value = Pattern.compile("Share value : ([0-9A-Fa-f:]+)").matcher(out);
            assertTrue(prime.find(), out);
            List<String> ids = new ArrayList<>();
            List<String> values = new ArrayList<>();
            while (id.find() && value.find()) {
                ids.add(id.group(1));
                values.add(value.group(1));
            }
            assertEquals(List.of("1", "2", "3"), ids, out);
            SplitPassword split = new SplitPassword(prime.group(1), ids, values);
            byte[] password = split.password();
            int significant = password.length - (password[0] == 0 ? 1 : 0);
            if (significant == 8) {
                return split;
            }
        }
        throw new AssertionError("sc-hsm-tool made three split passwords with a leading zero byte");
    }
}
