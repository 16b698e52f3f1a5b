package org.hsmkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.testdata.pcsc.PcscTestService;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;

/**
 * The CLI pointed at a simulated SmartCard-HSM in a reader of the test PC/SC stack:
 * {@code -t card:READER --pin-env HSMKIT_TEST_PIN}, run in-process through {@link CliRun}.
 */
final class CardCli {
    static final PcscTestService PCSC = PcscTestService.shared();
    static final String PIN_VAR = "HSMKIT_TEST_PIN";

    private CardCli() {
    }

    /** Puts {@code sim} into {@code reader} (emptying it first). */
    static SmartCardHsmSimulator insert(int reader, SmartCardHsmSimulator sim) {
        PCSC.remove(reader);
        PCSC.insert(reader, sim);
        return sim;
    }

    /** A runner in {@code dir} with the delivery PIN in the environment. */
    static CliRun in(Path dir) {
        return CliRun.in(dir).withEnv(PIN_VAR, SmartCardHsmSimulator.DEFAULT_USER_PIN);
    }

    /** {@code -t card:READER --pin-env VAR} followed by {@code args}. */
    static String[] on(int reader, String... args) {
        List<String> all = new ArrayList<>(List.of("-t", "card:" + PCSC.readerName(reader), "--pin-env", PIN_VAR));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** The public key of card key {@code label}, as {@code key export} writes it (PEM) into {@code dir}. */
    static java.security.PublicKey exportedPublicKey(CliRun cli, Path dir, int reader, String label, String algorithm) throws Exception {
        cli.run(on(reader, "key", "export", "--key", label, "-o", label + ".pub.pem")).assertOk();
        String b64 = Files.readString(dir.resolve(label + ".pub.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance(algorithm)
                .generatePublic(new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(b64)));
    }

    /** Writes the simulator's test root (the trusted root of its device chains) into {@code dir}. */
    static Path testRoot(Path dir) throws Exception {
        try (var in = CardCli.class.getResourceAsStream("/org/hsmkit/testdata/schsm/test-root.cvc")) {
            return Files.write(dir.resolve("test-root.cvc"), in.readAllBytes());
        }
    }
}
