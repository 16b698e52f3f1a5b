package org.hsmkit.core.card;

import java.nio.charset.StandardCharsets;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.testdata.pcsc.PcscTestService;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;

/** A simulated SmartCard-HSM in reader 0 of the test PC/SC stack, opened through hsmkit's driver. */
final class CardFixture implements AutoCloseable {
    static final PcscTestService PCSC = PcscTestService.shared();

    final SmartCardHsmSimulator simulator;
    final int reader;

    CardFixture(SmartCardHsmSimulator simulator, int reader) {
        this.simulator = simulator;
        this.reader = reader;
        PCSC.remove(reader);
        PCSC.insert(reader, simulator);
    }

    CardFixture(SmartCardHsmSimulator simulator) {
        this(simulator, 0);
    }

    /** Opens the card with the given PIN as the PIN source. */
    SmartCardHsm open(String pin) {
        return SmartCardHsm.open(PCSC.readerName(reader), TokenOptions.withPins(PinSource.of(pin.toCharArray())));
    }

    SmartCardHsm open() {
        return open(SmartCardHsmSimulator.DEFAULT_USER_PIN);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        PCSC.remove(reader);
    }
}
