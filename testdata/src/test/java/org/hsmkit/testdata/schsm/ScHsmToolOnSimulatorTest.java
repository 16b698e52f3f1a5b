package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSC's sc-hsm-tool drives the simulator through a key backup: initialise a card for one DKEK
 * share, import a share file sc-hsm-tool made (the key check value it prints is the card's and the
 * one recorded with the file), wrap a key, delete it, unwrap it, and check that the restored key
 * signs like the original (openssl verifies with the original's public key).
 *
 * <p>sc-hsm-tool derives the share key with 10 million MD5 rounds (seconds per share file), so
 * this test opens one share file, made by sc-hsm-tool beforehand ({@code card-vectors/README.md});
 * hsmkit's tests take share files to and from sc-hsm-tool in both directions, split passwords
 * included.
 */
class ScHsmToolOnSimulatorTest {
    private static final String SO_PIN = "3537363231383830";
    private static final String PIN = "246810";
    private static final Pattern KCV = Pattern.compile("DKEK key check value : ([0-9A-F]{16})");
    /** The key check value of card-vectors/sc-hsm-tool-password.dkek. */
    private static final String SHARE_KCV = "BC0A11E326A04330";

    @TempDir
    Path tmp;

    private static ExternalTool.Result tool(int reader, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("sc-hsm-tool", "--reader", PcscTestService.shared().readerName(reader)));
        cmd.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(PcscTestService.shared().environment());
        env.put("TERM", "dumb"); // sc-hsm-tool clears the screen between share custodians
        return ExternalTool.run(null, stdin == null ? null : stdin.getBytes(StandardCharsets.US_ASCII), env, cmd);
    }

    @Test
    void aDkekShareFromScHsmToolImportsAndAWrappedKeyIsRestored() throws Exception {
        ExternalTool.require("sc-hsm-tool", "opensc");
        PcscTestService pcsc = PcscTestService.shared();
        SmartCardHsmSimulator a = new SmartCardHsmSimulator();
        pcsc.insert(0, a);
        try {
            tool(0, null, "--initialize", "--so-pin", SO_PIN, "--pin", PIN, "--dkek-shares", "1", "--label", "backup")
                    .requireSuccess();
            String info = tool(0, null).requireSuccess().stdoutText();
            assertTrue(info.contains("DKEK shares          : 1"), info);
            assertTrue(info.contains("1 share(s) still missing"), info);

            Path share = tmp.resolve("custodian.dkek");
            try (InputStream in = ScHsmToolOnSimulatorTest.class.getResourceAsStream("/card-vectors/sc-hsm-tool-password.dkek")) {
                Files.copy(in, share);
            }
            String imported = tool(0, null, "--import-dkek-share", share.toString(), "--password", "custodian password 1")
                    .requireSuccess().stdoutText();
            assertEquals(SHARE_KCV, kcv(imported));
            assertEquals(SHARE_KCV, HexFormat.of().withUpperCase().formatHex(a.dkekKcv()));

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
        }
    }

    private static String kcv(String out) {
        Matcher m = KCV.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }
}
