package org.hsmkit.testdata.schsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.pcsc.PcscTestService;

/**
 * A simulated SmartCard-HSM in a reader of this JVM's {@link PcscTestService}, reached the way a
 * user reaches a Nitrokey HSM 2: through OpenSC's PKCS#11 module ({@link #module()}) and a token
 * URI ({@link #uri()}, by the card's serial number). The PIN is the delivery PIN unless the
 * simulator was built with another.
 *
 * <pre>
 * static SmartCardHsmFixture card;
 * &#64;BeforeAll static void card() { card = SmartCardHsmFixture.insert(0, new SmartCardHsmSimulator()); }
 * &#64;AfterAll static void done() { card.close(); }
 * ... TokenSpec.parse(card.uri()).open(new TokenOptions(Optional.of(card.module()), PinSource.of(card.userPin()), false))
 * </pre>
 */
public final class SmartCardHsmFixture implements AutoCloseable {
    private static final List<String> OPENSC_MODULES = List.of(
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib64/pkcs11/opensc-pkcs11.so",
            "/usr/local/lib/opensc-pkcs11.so");

    private final PcscTestService pcsc;
    private final int reader;
    private final SmartCardHsmSimulator card;
    private final String pin;
    private final Path pinFile;

    private SmartCardHsmFixture(PcscTestService pcsc, int reader, SmartCardHsmSimulator card, String pin, Path pinFile) {
        this.pcsc = pcsc;
        this.reader = reader;
        this.card = card;
        this.pin = pin;
        this.pinFile = pinFile;
    }

    /** Inserts {@code card} (whose user PIN is the delivery PIN) into reader {@code reader}. */
    public static SmartCardHsmFixture insert(int reader, SmartCardHsmSimulator card) {
        return insert(reader, card, SmartCardHsmSimulator.DEFAULT_USER_PIN);
    }

    /** Inserts {@code card}, whose user PIN is {@code userPin}, into reader {@code reader}. */
    public static SmartCardHsmFixture insert(int reader, SmartCardHsmSimulator card, String userPin) {
        PcscTestService pcsc = PcscTestService.shared();
        pcsc.insert(reader, card);
        return new SmartCardHsmFixture(pcsc, reader, card, userPin, writePinFile(pcsc, card, userPin));
    }

    /** A fixture for {@code card}, already in reader {@code reader} (inserted through the service directly). */
    public static SmartCardHsmFixture insertedAlready(int reader, SmartCardHsmSimulator card, String userPin) {
        PcscTestService pcsc = PcscTestService.shared();
        if (!pcsc.occupied(reader)) {
            throw new IllegalStateException("reader " + reader + " is empty");
        }
        return new SmartCardHsmFixture(pcsc, reader, card, userPin, writePinFile(pcsc, card, userPin));
    }

    private static Path writePinFile(PcscTestService pcsc, SmartCardHsmSimulator card, String userPin) {
        try {
            Path pinFile = pcsc.clientSocket().getParent().resolve("card-" + card.serial() + ".pin");
            Files.deleteIfExists(pinFile);
            Files.createFile(pinFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pinFile, userPin + "\n", StandardCharsets.US_ASCII);
            return pinFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** OpenSC's PKCS#11 module, or a failure naming the package to install. */
    public static Path openscModule() {
        for (String p : OPENSC_MODULES) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("OpenSC's PKCS#11 module opensc-pkcs11.so is not installed (tried "
                + String.join(", ", OPENSC_MODULES) + "); the test command installs it (apt-get install opensc-pkcs11)");
    }

    public Path module() {
        return openscModule();
    }

    public SmartCardHsmSimulator card() {
        return card;
    }

    /** The token's PKCS#11 URI, selecting it by serial number ({@code pkcs11:serial=UTSIM…}). */
    public String uri() {
        return "pkcs11:serial=" + card.serial();
    }

    /** The token label OpenSC gives a SmartCard-HSM with one user PIN. */
    public String tokenLabel() {
        return "SmartCard-HSM (UserPIN)";
    }

    public char[] userPin() {
        return pin.toCharArray();
    }

    /** A file (mode 0600) with the user PIN and a newline, for {@code --pin-file}. */
    public Path pinFile() {
        return pinFile;
    }

    /** Runs {@code pkcs11-tool --module OPENSC --slot-description READER ARGS} against this card (with the service's environment). */
    public ExternalTool.Result pkcs11Tool(String... args) {
        ExternalTool.require("pkcs11-tool", "opensc");
        List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", module().toString(),
                "--slot-description", pcsc.readerName(reader)));
        cmd.addAll(List.of(args));
        return ExternalTool.run(pinFile.getParent(), null, pcsc.environment(), cmd);
    }

    /** Takes the card out of its reader. */
    @Override
    public void close() {
        pcsc.remove(reader);
        try {
            Files.deleteIfExists(pinFile);
        } catch (IOException ignored) {
            // the build directory is removed by mvn clean
        }
    }
}
