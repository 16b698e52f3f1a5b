package org.hsmkit.testdata.schsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSC's own tools drive the simulator through the real pcscd: card detection and naming,
 * OpenSC's PKCS#11 module listing the token, generating keys with OpenSC's key generation
 * request, signing, and openssl verifying against the public key OpenSC exports.
 */
class OpenscOnSimulatorTest {
    static SmartCardHsmFixture fixture;

    @TempDir
    Path tmp;

    @BeforeAll
    static void insert() {
        ExternalTool.require("openssl", "openssl");
        fixture = SmartCardHsmFixture.insert(0, new SmartCardHsmSimulator());
    }

    @AfterAll
    static void remove() {
        fixture.close();
    }

    private static ExternalTool.Result openscTool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("opensc-tool", "--reader", "0"));
        cmd.addAll(List.of(args));
        return ExternalTool.run(null, null, PcscTestService.shared().environment(), cmd);
    }

    @Test
    void openscToolSeesTheAtrAndNamesTheCard() {
        String atr = openscTool("--atr").requireSuccess().stdoutText();
        assertEquals(SmartCardHsmSimulator.ATR_HEX, atr.replace(":", "").strip().toUpperCase());
        String name = openscTool("--name").requireSuccess().stdoutText().strip();
        assertEquals("SmartCard-HSM Applet for JCOP version 3.5", name);
    }

    @Test
    void openscsPkcs11ModuleListsTheTokenWithItsSerialAndPinState() {
        String slots = fixture.pkcs11Tool("--list-token-slots").requireSuccess().stdoutText();
        assertTrue(slots.contains("token label        : SmartCard-HSM (UserPIN)"), slots);
        assertTrue(slots.contains("serial num         : " + fixture.card().serial()), slots);
        assertTrue(slots.contains("token initialized, PIN initialized"), slots);
        assertTrue(slots.contains("firmware version   : 3.5"), slots);
    }

    @Test
    void aWrongPinSpendsATryAndTheRightOneRestoresTheCounter() {
        ExternalTool.Result wrong = fixture.pkcs11Tool("--login", "--pin", "000000", "--list-objects");
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.stderr().contains("CKR_PIN_INCORRECT"), wrong.stderr());
        assertEquals(2, fixture.card().userPinTriesLeft());
        String flags = fixture.pkcs11Tool("--list-token-slots").requireSuccess().stdoutText();
        assertTrue(flags.contains("user PIN count low"), flags);
        fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--list-objects").requireSuccess();
        assertEquals(3, fixture.card().userPinTriesLeft());
    }

    @Test
    void ecKeysGeneratedThroughOpenscSignAndOpensslVerifies() throws Exception {
        for (String curve : new String[] {"prime256v1", "brainpoolP384r1"}) {
            String id = curve.startsWith("prime") ? "11" : "12";
            keypair("EC:" + curve, id, "ec-" + curve);
            assertSignatureVerifies(id, "ECDSA-SHA256", "-sha256");
        }
    }

    @Test
    void rsaKeysGeneratedThroughOpenscSignWithPkcs1AndPss() throws Exception {
        keypair("rsa:2048", "21", "rsa-2048");
        assertSignatureVerifies("21", "SHA256-RSA-PKCS", "-sha256");
        assertSignatureVerifies("21", "SHA256-RSA-PKCS-PSS", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                "rsa_pss_saltlen:32");
        String objects = fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--list-objects")
                .requireSuccess().stdoutText();
        assertTrue(objects.contains("label:      rsa-2048"), objects);
        assertTrue(objects.contains("Public Key Object; RSA 2048 bits"), objects);
    }

    @Test
    void dataObjectsWrittenThroughOpenscAreReadBack() throws Exception {
        Path in = Files.writeString(tmp.resolve("keyfile"), "sixty-four bytes of keyfile, more or less", StandardCharsets.US_ASCII);
        fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--write-object", in.toString(),
                "--type", "data", "--label", "veracrypt", "--private").requireSuccess();
        assertTrue(fixture.card().fileIds().stream().anyMatch(f -> (f >>> 8) == 0xC9), "a data object description (C9xx)");
        assertTrue(fixture.card().fileIds().stream().anyMatch(f -> (f >>> 8) == 0xCD), "private data (CDxx)");
        Path out = tmp.resolve("back");
        fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--read-object", "--type", "data",
                "--label", "veracrypt", "--output-file", out.toString()).requireSuccess();
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    }

    private void keypair(String type, String id, String label) {
        fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--keypairgen", "--key-type", type,
                "--id", id, "--label", label).requireSuccess();
    }

    private void assertSignatureVerifies(String id, String mechanism, String... opensslArgs) throws Exception {
        Path msg = Files.writeString(tmp.resolve("msg-" + id), "signed on a simulated SmartCard-HSM", StandardCharsets.US_ASCII);
        Path sig = tmp.resolve("sig-" + id + mechanism);
        Path pub = tmp.resolve("pub-" + id + ".pem");
        fixture.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--sign", "--id", id, "--mechanism",
                mechanism, "--signature-format", "openssl", "--input-file", msg.toString(), "--output-file", sig.toString())
                .requireSuccess();
        // pkcs11-tool 0.23 cannot export EC public keys under OpenSSL 3 ("cannot create EVP_PKEY");
        // OpenSC's pkcs15-tool reads them from the same PKCS#15 emulation
        ExternalTool.Result exported = ExternalTool.run(tmp, null, PcscTestService.shared().environment(), List.of(
                "pkcs15-tool", "--reader", "0", "--read-public-key", id, "--output", pub.toString())).requireSuccess();
        assertTrue(Files.readString(pub).contains("BEGIN PUBLIC KEY"), exported.stdoutText());
        List<String> cmd = new ArrayList<>(List.of("openssl", "dgst"));
        cmd.addAll(List.of(opensslArgs));
        cmd.addAll(List.of("-verify", pub.toString(), "-signature", sig.toString(), msg.toString()));
        ExternalTool.Result r = ExternalTool.run(tmp, null, java.util.Map.of(), cmd).requireSuccess();
        assertTrue(r.stdoutText().contains("Verified OK"), r.stdoutText());
        Files.writeString(msg, "tampered");
        assertNotEquals(0, ExternalTool.run(tmp, null, java.util.Map.of(), cmd).exitCode(), "a changed message fails");
    }
}
