package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key ceremony of docs/smartcard-hsm.md on two simulated HSMs, hsmkit and sc-hsm-tool taking
 * turns: a DKEK share under a 2-of-3 password made by hsmkit, imported by sc-hsm-tool from parts
 * 1 and 2 and by hsmkit from parts 3 and 2 (after a mistyped part); the same key check value on
 * both devices; a key backed up by hsmkit and restored by sc-hsm-tool, one backed up by sc-hsm-tool
 * and restored by hsmkit, both signing verifiably after; share files sc-hsm-tool made, one under a
 * password and one under a 2-of-3 split password, opened by hsmkit; and the refusals: a wrong
 * password, a backup for another DKEK.
 *
 * <p>Every share file costs ten million MD5 rounds to open or make (sc-hsm-tool's format), so this
 * test makes as few as it can.
 */
class CardCeremonyCliTest {
    static final String PIN = SmartCardHsmSimulator.DEFAULT_USER_PIN;
    @TempDir
    static Path dir;
    static SmartCardHsmSimulator a;
    static SmartCardHsmSimulator b;
    static CliRun cli;

    @BeforeAll
    static void twoDevices() {
        ExternalTool.require("sc-hsm-tool", "opensc");
        a = CardCli.insert(0, SmartCardHsmSimulator.builder().dkekShares(1).build());
        b = CardCli.insert(1, SmartCardHsmSimulator.builder().dkekShares(1).build());
        cli = CardCli.in(dir);
        TestPki.standard().writeTo(dir.resolve("pki"));
    }

    @AfterAll
    static void out() {
        CardCli.PCSC.remove(0);
        CardCli.PCSC.remove(1);
    }

    private static ExternalTool.Result scHsmTool(int reader, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("sc-hsm-tool", "--reader", Integer.toString(reader)));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(CardCli.PCSC.environment());
        env.put("TERM", "dumb"); // it clears the screen between custodians
        return ExternalTool.run(dir, stdin == null ? null : stdin.getBytes(StandardCharsets.US_ASCII), env, cmd);
    }

    private static String kcv(SmartCardHsmSimulator sim) {
        return HexFormat.of().withUpperCase().formatHex(sim.dkekKcv());
    }

    /** The parts hsmkit printed: prime, then ids and values in order. */
    record Parts(String prime, List<String> ids, List<String> values) {
        static Parts of(String out) {
            Matcher prime = Pattern.compile("Prime       : ([0-9a-f:]+)").matcher(out);
            assertTrue(prime.find(), out);
            String p = prime.group(1);
            while (prime.find()) {
                assertEquals(p, prime.group(1), "every part carries the same prime");
            }
            Matcher id = Pattern.compile("Share ID    : (\\d+)").matcher(out);
            Matcher value = Pattern.compile("Share value : ([0-9a-f:]+)").matcher(out);
            List<String> ids = new ArrayList<>();
            List<String> values = new ArrayList<>();
            while (id.find() && value.find()) {
                ids.add(id.group(1));
                values.add(value.group(1));
            }
            return new Parts(p, ids, values);
        }
    }

    @Test
    void tokenListTellsTheTwoDevicesApartBySerialWithoutLoggingIn() {
        String list = cli.run("-t", "card:", "token", "list").assertOk().stdout();
        List<String> rows = list.lines().filter(l -> l.contains("card:")).toList();
        assertEquals(2, rows.size(), list);
        assertTrue(rows.get(0).contains(a.serial()) && rows.get(0).endsWith("card:" + CardCli.PCSC.readerName(0)), list);
        assertTrue(rows.get(0).contains("tries left"), "the PIN state is read without a login: " + list);
        assertTrue(rows.get(1).endsWith("card:" + CardCli.PCSC.readerName(1)), list);
        assertFalse(rows.get(1).contains(a.serial()), "each device shows its own serial: " + list);
    }

    @Test
    void twoHsmsThreeCustodiansAndBackupsBothWays() throws Exception {
        // 1. a share under a 2-of-3 password (no terminal here: the parts go to stdout, each once)
        CliRun.Result created = cli.run(CardCli.on(0, "card", "dkek", "create", "ceremony.dkek", "--threshold", "2",
                "--holders", "3")).assertOk();
        String out = created.stdout();
        assertEquals(3, out.split("Prime       : ", -1).length - 1, out);
        Parts parts = Parts.of(out);
        assertEquals(List.of("1", "2", "3"), parts.ids());
        assertEquals(64, Files.size(dir.resolve("ceremony.dkek")));

        // 2. sc-hsm-tool imports it into device A from parts 1 and 2
        String custodians12 = parts.prime() + "\n\n" + parts.ids().get(0) + "\n" + parts.values().get(0) + "\n\n"
                + parts.ids().get(1) + "\n" + parts.values().get(1) + "\n";
        String toolOut = scHsmTool(0, custodians12, "--import-dkek-share", "ceremony.dkek", "--pwd-shares-total", "2")
                .requireSuccess().stdoutText();
        assertTrue(toolOut.contains(kcv(a)), toolOut);

        // 3. hsmkit imports it into device B from parts 3 and 2; the first try has a mistyped value
        String v3 = parts.values().get(2);
        String typo = v3.substring(0, v3.length() - 1) + (v3.endsWith("0") ? "1" : "0");
        CliRun.Result imported = cli.withTerminal(parts.prime(), "3", typo, "2", parts.values().get(1),
                "x3", "3", v3, "2", parts.values().get(1))
                .run(CardCli.on(1, "card", "dkek", "import", "ceremony.dkek", "--threshold", "2")).assertOk();
        assertTrue(imported.stderr().contains("do not open ceremony.dkek"), imported.stderr());
        assertTrue(imported.stderr().contains("type it again"), "the id 'x3' was asked again: " + imported.stderr());
        assertTrue(imported.stdout().contains("key check:    " + kcv(a)), imported.stdout());
        assertEquals(kcv(a), kcv(b), "the same DKEK on both devices");

        // 4. a key on A with a certificate, backed up by hsmkit, restored by sc-hsm-tool on B
        String ref = cli.run(CardCli.on(0, "key", "generate", "--type", "ec:P-256", "--label", "signer", "--id", "51"))
                .assertOk().stdout().strip();
        assertTrue(ref.startsWith("pkcs11:"), ref);
        cli.run(CardCli.on(0, "key", "export", "--key", "signer", "-o", "signer.pub.pem")).assertOk();
        PublicKey publicKey = readPublicKey(dir.resolve("signer.pub.pem"));
        TestPki.Credential cert = TestPki.standard().issueUser("Signer", new KeyPair(publicKey, null), "signer@hsmkit.test",
                KeyUsage.digitalSignature, null, Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(30, ChronoUnit.DAYS));
        Files.writeString(dir.resolve("signer.pem"), TestPki.pem(List.of(cert.certificate())));
        cli.run(CardCli.on(0, "key", "import-cert", "--key", "signer", "signer.pem")).assertOk();
        cli.run(CardCli.on(0, "key", "backup", "--key", "signer", "-o", "signer.wrapped")).assertOk();
        String unwrapped = scHsmTool(1, null, "--unwrap-key", "signer.wrapped", "--key-reference", "9", "--pin", PIN)
                .requireSuccess().stdoutText();
        assertTrue(unwrapped.contains("Certificate") && unwrapped.contains("Key successfully imported"), unwrapped);

        // the restored key signs on B; openssl verifies with the certificate issued for A's key
        Files.writeString(dir.resolve("contract.txt"), "signed on the second HSM");
        cli.run(CardCli.on(1, "sign", "--key", "signer", "-o", "contract.p7s", "contract.txt")).assertOk();
        ExternalTool.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "contract.p7s",
                "-content", "contract.txt", "-CAfile", "pki/ca-chain.pem",
                "-purpose", "any", "-out", "/dev/null").requireSuccess();

        // 5. a key on B backed up by sc-hsm-tool, restored by hsmkit on A
        cli.run(CardCli.on(1, "key", "generate", "--type", "rsa:2048", "--label", "archive", "--id", "52")).assertOk();
        int archiveRef = b.keyReferences().stream().filter(r -> r != 9).findFirst().orElseThrow();
        scHsmTool(1, null, "--wrap-key", "archive.wrapped", "--key-reference", Integer.toString(archiveRef), "--pin", PIN)
                .requireSuccess();
        CliRun.Result restored = cli.run(CardCli.on(0, "key", "restore", "archive.wrapped")).assertOk();
        assertTrue(restored.stdout().contains("id=%52"), restored.stdout());
        cli.run(CardCli.on(1, "key", "export", "--key", "archive", "-o", "archive.pub.pem")).assertOk();
        cli.run(CardCli.on(0, "key", "export", "--key", "archive", "-o", "archive.restored.pem")).assertOk();
        assertArrayEquals(Files.readAllBytes(dir.resolve("archive.pub.pem")), Files.readAllBytes(dir.resolve("archive.restored.pem")));
        // the request B made for the key came with it: key info says it is B's, not A's own
        String info = cli.run(CardCli.on(0, "key", "info", "--key", "archive")).assertOk().stdout();
        assertTrue(info.contains("attestation:  on the device, restored with the key (the request device " + b.serial()
                + " made for it)"), info);
        String own = cli.run(CardCli.on(1, "--json", "key", "info", "--key", "archive")).assertOk().stdout();
        assertTrue(own.contains("\"attestedBy\" : \"" + b.serial() + "\""), own);
        assertTrue(cli.run(CardCli.on(1, "key", "info", "--key", "archive")).assertOk().stdout()
                .contains("attestation:  on the device (the request it made for the key)"));
        cli.run(CardCli.on(0, "key", "csr", "--key", "archive", "--subject", "CN=Archive", "-o", "archive.csr")).assertOk();
        ExternalTool.run(dir, "openssl", "req", "-verify", "-noout", "-in", "archive.csr").requireSuccess();
    }

    /** Copies a share file sc-hsm-tool made (testdata's card-vectors) into the working directory. */
    private static void vector(String name) throws Exception {
        try (java.io.InputStream in = CardCeremonyCliTest.class.getResourceAsStream("/card-vectors/" + name)) {
            Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void sharesFromScHsmToolOpenWithTheirPasswordOrTwoOfThreePartsAndAWrongPasswordImportsNothing() throws Exception {
        vector("sc-hsm-tool-password.dkek");
        vector("sc-hsm-tool-2-of-3.dkek");
        SmartCardHsmSimulator c = CardCli.insert(1, SmartCardHsmSimulator.builder().dkekShares(1).build());
        try {
            CliRun.Result wrong = cli.withEnv("SHARE_PW", "custodian password 2")
                    .run(CardCli.on(1, "card", "dkek", "import", "sc-hsm-tool-password.dkek", "--password-env", "SHARE_PW"))
                    .assertExit(3);
            assertTrue(wrong.errorLine().contains("does not open the DKEK share sc-hsm-tool-password.dkek; nothing was imported"),
                    wrong.stderr());
            assertTrue(wrong.hintLine().contains("password"), wrong.stderr());
            assertTrue(cli.run(CardCli.on(1, "card", "dkek", "status")).stdout().contains("outstanding:  1"));

            // the parts sc-hsm-tool printed for this file (card-vectors/README.md): custodians 3 and 1
            CliRun.Result split = cli.withTerminal("d2:e3:69:2d:bc:df:f8:5b", "3", "3f:1e:dd:67:71:99:43:71",
                    "1", "94:ad:2d:df:2d:b8:a6:7a")
                    .run(CardCli.on(1, "card", "dkek", "import", "sc-hsm-tool-2-of-3.dkek", "--threshold", "2")).assertOk();
            // the key check value recorded with the file, which sc-hsm-tool's import prints too
            assertTrue(split.stdout().contains("key check:    271F82F5FF6E9464"), split.stdout());
            assertEquals("271F82F5FF6E9464", kcv(c));
        } finally {
            CardCli.insert(1, b);
        }
    }

    @Test
    void aBackupForAnotherDkekIsRefusedNamingBothKeyCheckValues() throws Exception {
        // devices initialised with 0 shares make a random DKEK each, known to nobody
        SmartCardHsmSimulator own = CardCli.insert(1, SmartCardHsmSimulator.builder().dkekShares(0).build());
        try {
            cli.run(CardCli.on(1, "key", "generate", "--type", "ec:P-256", "--label", "mine")).assertOk();
            cli.run(CardCli.on(1, "key", "backup", "--key", "mine", "-o", "mine.wrapped")).assertOk();
            String mine = kcv(own);
            SmartCardHsmSimulator other = CardCli.insert(1, SmartCardHsmSimulator.builder().dkekShares(0).build());
            CliRun.Result r = cli.run(CardCli.on(1, "key", "restore", "mine.wrapped")).assertExit(3);
            assertTrue(r.errorLine().contains(mine) && r.errorLine().contains(kcv(other)), r.stderr());
            assertTrue(r.hintLine().contains("same DKEK shares"), r.stderr());
            assertTrue(other.keyReferences().isEmpty(), "nothing was restored");
            assertTrue(other.log().stream().noneMatch(l -> l.startsWith("8074")), "no UNWRAP KEY was sent");
        } finally {
            CardCli.insert(1, b);
        }
    }

    static PublicKey readPublicKey(Path pem) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance("EC").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(b64)));
    }
}
