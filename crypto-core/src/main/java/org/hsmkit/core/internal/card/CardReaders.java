package org.hsmkit.core.internal.card;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.card.CardReader;

/**
 * Finds the SmartCard-HSM a token selector means: {@code card:} the first reader holding one,
 * {@code card:PART} the first reader whose name contains PART (ignoring case) holding one.
 */
public final class CardReaders {
    private CardReaders() {
    }

    /** Every reader, and for each card in one whether it is a SmartCard-HSM (and its version). */
    public static List<CardReader> list() {
        List<CardReader> all = new ArrayList<>();
        for (PcscTransport.Reader r : PcscTransport.readers()) {
            Optional<String> version = Optional.empty();
            if (r.cardPresent()) {
                version = probe(r.name()).map(Opened::version);
            }
            all.add(new CardReader(r.name(), r.cardPresent(), version));
        }
        return all;
    }

    /** A connection to a SmartCard-HSM with its applet selected. */
    record Opened(PcscTransport transport, ScHsmApplet.AppletInfo info) {
        String version() {
            return info.version();
        }
    }

    private static Optional<Opened> probe(String reader) {
        PcscTransport t;
        try {
            t = PcscTransport.connect(reader);
        } catch (HsmkitException e) {
            return Optional.empty();
        }
        try {
            Optional<ScHsmApplet.AppletInfo> info = t.exclusive("selecting the SmartCard-HSM applet",
                    () -> new ScHsmApplet(t).select());
            if (info.isPresent()) {
                return Optional.of(new Opened(t, info.get()));
            }
        } catch (HsmkitException e) {
            // not answering like a SmartCard-HSM
        }
        t.close();
        return Optional.empty();
    }

    /**
     * Connects to the first SmartCard-HSM in a reader whose name contains {@code readerPart}.
     *
     * @throws HsmkitException KEY naming the readers there are when none fits
     */
    static Opened open(String readerPart) {
        String part = readerPart == null ? "" : readerPart.strip();
        List<PcscTransport.Reader> readers = PcscTransport.readers();
        if (readers.isEmpty()) {
            throw HsmkitException.key("no card reader found", "plug in the Nitrokey HSM or card reader (and check that pcscd runs)");
        }
        List<PcscTransport.Reader> matching = readers.stream()
                .filter(r -> r.name().toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT))).toList();
        if (matching.isEmpty()) {
            throw HsmkitException.key("no card reader matches '" + part + "'; the readers are: " + names(readers),
                    "use -t card:PART-OF-A-READER-NAME, or -t card: for the first SmartCard-HSM");
        }
        List<String> otherCards = new ArrayList<>();
        for (PcscTransport.Reader r : matching) {
            if (!r.cardPresent()) {
                continue;
            }
            Optional<Opened> o = probe(r.name());
            if (o.isPresent()) {
                return o.get();
            }
            otherCards.add(r.name());
        }
        if (!otherCards.isEmpty()) {
            throw HsmkitException.key("the card in " + quoted(otherCards) + " is not a SmartCard-HSM",
                    "insert a SmartCard-HSM (Nitrokey HSM), or name its reader with -t card:PART");
        }
        throw HsmkitException.key("no card in " + (part.isEmpty() ? "any reader" : "the readers matching '" + part + "'")
                + "; the readers are: " + names(readers), "insert the SmartCard-HSM and run again");
    }

    private static String names(List<PcscTransport.Reader> readers) {
        return readers.stream().map(r -> "'" + r.name() + "'" + (r.cardPresent() ? " (card)" : " (empty)"))
                .collect(Collectors.joining(", "));
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
