package org.hsmkit.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;

import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.DkekShareAccess;
import org.hsmkit.core.card.PasswordShares;
import org.hsmkit.core.card.WrappedKey;
import org.hsmkit.core.internal.card.Pkcs15Files;
import org.hsmkit.testdata.schsm.CvcPublicKey;
import org.hsmkit.testdata.schsm.CvcSignatures;
import org.hsmkit.testdata.schsm.DeviceChain;
import org.hsmkit.testdata.schsm.Tlv;

/**
 * Seeds of the SmartCard-HSM targets: the recorded vectors (a Nitrokey HSM 2's EF.C_DevAut,
 * sc-hsm-tool's share files), and files made by hsmkit's card code and the card simulator's
 * certificate and signing code (a device chain under the test root, a key attestation built the
 * way the simulator answers GENERATE ASYMMETRIC KEY PAIR, PKCS#15 descriptions, backups).
 */
final class CardSeeds {
    /** The password of the corpus share files, and their key derivation rounds (one: see {@link CardDkekFuzzTest}). */
    static final byte[] DKEK_PASSWORD = "fuzz corpus custodian".getBytes(StandardCharsets.UTF_8);
    static final int DKEK_ITERATIONS = 1;

    private final Path root;

    CardSeeds(Path root) {
        this.root = root;
    }

    void write() throws Exception {
        Path card = Files.createDirectories(root.resolve("card"));
        byte[] nitrokey = resource("/card-vectors/nitrokey-hsm2-DENK0404144.devaut");
        DeviceChain sim = DeviceChain.issue(4711);
        byte[] attestation = attestation(sim);
        Files.write(card.resolve("attestation.bin"), attestation);

        Path chains = SeedCorpus.inputs(root, "CardCvcFuzzTest", "deviceChain");
        Files.write(chains.resolve("seed-nitrokey-hsm2.devaut"), nitrokey);
        Files.write(chains.resolve("seed-simulator.devaut"), sim.efCDevAut());
        Files.write(chains.resolve("seed-shipped-root.cvc"), resource("/org/hsmkit/core/card/DESRCACC100001.cvc"));
        Path att = SeedCorpus.inputs(root, "CardCvcFuzzTest", "attestation");
        Files.write(att.resolve("seed-simulator-ec.attestation"), attestation);

        SecureRandom random = new SecureRandom();
        Path dkek = SeedCorpus.inputs(root, "CardDkekFuzzTest", "open");
        for (int i = 1; i <= 2; i++) {
            try (DkekShare s = DkekShare.random(random)) {
                byte[] file = DkekShareAccess.encrypt(s, DKEK_PASSWORD, random, DKEK_ITERATIONS);
                Files.write(card.resolve("share-" + i + ".dkek"), file);
                Files.write(dkek.resolve("seed-hsmkit-" + i + ".dkek"), file);
            }
        }
        Files.write(dkek.resolve("seed-sc-hsm-tool-password.dkek"), resource("/card-vectors/sc-hsm-tool-password.dkek"));
        Files.write(dkek.resolve("seed-sc-hsm-tool-2-of-3.dkek"), resource("/card-vectors/sc-hsm-tool-2-of-3.dkek"));

        byte[] ecDescription = new Pkcs15Files.PrivateKey("mail signing", new byte[] {1, 2, 3}, false, 256, 1).encode();
        byte[] rsaDescription = new Pkcs15Files.PrivateKey("decryption", HexFormat.of().parseHex("a1b2c3d4"), true, 2048, 2).encode();
        byte[] request = Tlv.parseFirst(attestation).encoded();
        byte[] blob = new byte[] {(byte) 0xBC, 0x0A, 0x11, (byte) 0xE3, 0x26, (byte) 0xA0, 0x43, 0x30, 12, 0, 0, 0, 0};
        Path wrapped = SeedCorpus.inputs(root, "CardWrappedKeyFuzzTest", "parse");
        Files.write(wrapped.resolve("seed-key-only.bak"), WrappedKey.of(blob, null, null).encode());
        Files.write(wrapped.resolve("seed-ec-request.bak"), WrappedKey.of(blob, ecDescription, request).encode());
        byte[] x509 = FuzzPki.get().rsaCertificate.getEncoded();
        Files.write(wrapped.resolve("seed-rsa-certificate.bak"), WrappedKey.of(blob, rsaDescription, x509).encode());

        Path files = SeedCorpus.inputs(root, "CardFilesFuzzTest", "read");
        List<byte[]> inputs = List.of(ecDescription, new Pkcs15Files.DataObject("notes", "hsmkit", true, 0xCF01).encode(),
                Pkcs15Files.tokenInfo("SmartCard-HSM"), request, nitrokey, publicKeyTemplate(sim.efCDevAut()),
                HexFormat.of().parseHex("620F8001008501048202F00086020304"),
                new Pkcs15Files.Certificate("hsmkit Test Root CA", new byte[] {1, 2, 3}, true, 0xCA00).encode());
        for (int i = 0; i < inputs.size(); i++) {
            byte[] in = new byte[inputs.get(i).length + 1];
            in[0] = (byte) i;
            System.arraycopy(inputs.get(i), 0, in, 1, inputs.get(i).length);
            Files.write(files.resolve("seed-reader-" + i), in);
        }
        Files.write(files.resolve("seed-reader-0-rsa"), concat(new byte[] {0}, rsaDescription));

        Path parts = SeedCorpus.inputs(root, "CardPasswordSharesFuzzTest", "combine");
        Files.writeString(parts.resolve("seed-sc-hsm-tool-2-of-3"),
                "d2:e3:69:2d:bc:df:f8:5b\n1 94:ad:2d:df:2d:b8:a6:7a\n3 3f:1e:dd:67:71:99:43:71\n", StandardCharsets.UTF_8);
        PasswordShares.Split split = PasswordShares.split(PasswordShares.newPassword(random), 3, 5, random);
        StringBuilder text = new StringBuilder(split.primeText()).append('\n');
        for (PasswordShares.Part p : split.parts().subList(0, 3)) {
            text.append(p.id()).append(' ').append(p.valueText()).append('\n');
        }
        Files.writeString(parts.resolve("seed-hsmkit-3-of-5"), text, StandardCharsets.UTF_8);
    }

    /** An authenticated CV request for a new P-256 key, signed by the key and by the simulated device. */
    private static byte[] attestation(DeviceChain device) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CvcSignatures.PROVIDER);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = g.generateKeyPair();
        byte[] body = Tlv.encode(0x7F4E, Tlv.encode(0x5F29, new byte[] {0}), Tlv.encode(0x42, ascii("UTCA00001")),
                CvcPublicKey.encode(key.getPublic()), Tlv.encode(0x5F20, ascii("UTTM00001")));
        byte[] inner = Tlv.encode(0x7F21, body, Tlv.encode(0x5F37, CvcSignatures.sign(key.getPrivate(), body)));
        byte[] car = Tlv.encode(0x42, ascii(device.device().chr()));
        byte[] outer = CvcSignatures.sign(device.deviceKey().getPrivate(), concat(inner, car));
        return concat(Tlv.encode(0x67, inner, car, Tlv.encode(0x5F37, outer)), device.efCDevAut());
    }

    /** The 7F49 public key object of the first certificate. */
    private static byte[] publicKeyTemplate(byte[] certificates) {
        Tlv body = Tlv.parseFirst(Tlv.parseFirst(certificates).value());
        return Tlv.find(body.children(), 0x7F49).orElseThrow().encoded();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = CardSeeds.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing");
            }
            return in.readAllBytes();
        }
    }
}
