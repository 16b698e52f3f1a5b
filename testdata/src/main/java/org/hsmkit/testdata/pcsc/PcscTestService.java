package org.hsmkit.testdata.pcsc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A private PC/SC stack for the tests of one JVM: a real {@code pcscd} in its own mount
 * namespace with vsmartcard's {@code vpcd} driver offering two virtual readers, whose cards are
 * {@link VirtualCard}s in this JVM. Everything that speaks PC/SC — jnasmartcardio, OpenSC's
 * PKCS#11 module loaded in the JVM, {@code opensc-tool}, {@code pkcs11-tool},
 * {@code sc-hsm-tool} — reaches this pcscd and nothing else.
 *
 * <p>libpcsclite reads the daemon's socket path once per process from the environment variable
 * {@code PCSCLITE_CSOCK_NAME}. The build sets it for every test JVM to
 * {@code target/pcscd/pcscd.comm}; this service keeps a symbolic link there that points to the
 * live daemon's socket, also after {@link #restartDaemon()}. Subprocesses get the same variable
 * (and an OpenSC configuration of this service's own) from {@link #environment()}.
 *
 * <pre>
 * PcscTestService pcsc = PcscTestService.shared();
 * pcsc.insert(0, new SmartCardHsmSimulator());
 * ExternalTool.run(dir, null, pcsc.environment(), List.of("opensc-tool", "-r", pcsc.readerName(0), "-a"));
 * </pre>
 *
 * <p>A missing pcscd or vpcd driver fails with the Debian package to install: the test command
 * installs them, so a skip would hide a broken setup.
 */
public final class PcscTestService implements AutoCloseable {
    /** Readers this service offers (vpcd makes two of one reader.conf entry). */
    public static final int READERS = 2;
    private static final long STATE_TIMEOUT_MS = 10_000;
    private static PcscTestService shared;

    private final Path link;
    private final PcscDaemon daemon;
    private final CardSlot[] slots = new CardSlot[READERS];
    private boolean closed;

    private PcscTestService(Path link) {
        this.link = link;
        this.daemon = PcscDaemon.locate(link.getParent());
        for (int i = 0; i < READERS; i++) {
            int reader = i;
            slots[i] = new CardSlot(i, () -> daemon.port(reader));
        }
    }

    /**
     * The service of this JVM, started on first use and stopped by a shutdown hook.
     *
     * @throws IllegalStateException when pcscd or the vpcd driver is missing, or
     *         {@code PCSCLITE_CSOCK_NAME} is not set
     */
    public static synchronized PcscTestService shared() {
        if (shared == null) {
            PcscTestService s = new PcscTestService(socketLink());
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "pcscd test service shutdown"));
            shared = s;
        }
        return shared;
    }

    private static Path socketLink() {
        String env = System.getenv("PCSCLITE_CSOCK_NAME");
        if (env == null || env.isBlank()) {
            throw new IllegalStateException("PCSCLITE_CSOCK_NAME is not set: the Maven build sets it for tests (to "
                    + "target/pcscd/pcscd.comm); when running tests another way, set it to a writable path such as that");
        }
        Path p = Path.of(env).toAbsolutePath();
        // a Unix socket path is at most 107 bytes; libpcsclite would cut a longer one short
        if (p.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw new IllegalStateException("PCSCLITE_CSOCK_NAME " + p + " is longer than the 107 bytes a Unix socket "
                    + "path may have: build from a shorter directory");
        }
        return p;
    }

    private void start() {
        try {
            Files.createDirectories(link.getParent());
            Files.writeString(openscConf(), "# written by the hsmkit PC/SC test service\n"
                    + "app default {\n"
                    + "  framework pkcs15 {\n"
                    + "    # every simulated card is new: never answer from files cached for an earlier one\n"
                    + "    use_file_caching = no;\n"
                    + "  }\n"
                    + "}\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + link.getParent(), e);
        }
        daemon.start(0);
        pointLinkToDaemon();
    }

    private Path openscConf() {
        return link.getParent().resolve("opensc.conf");
    }

    private void pointLinkToDaemon() {
        try {
            Path tmp = link.resolveSibling(link.getFileName() + ".new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, daemon.socket());
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to the pcscd socket", e);
        }
    }

    /** The PC/SC name of reader {@code index} (0 or 1), as pcscd lists it. */
    public String readerName(int index) {
        checkIndex(index);
        return PcscDaemon.FRIENDLY_NAME + " 00 0" + index;
    }

    /**
     * Puts {@code card} into reader {@code index} and returns once pcscd reports the card (it has
     * read the ATR), so the next PC/SC call sees it.
     *
     * @throws IllegalStateException when the reader already holds a card
     */
    public synchronized void insert(int index, VirtualCard card) {
        checkIndex(index);
        // after a pull, pcscd may still show the old card until its next poll
        ReaderStates.await(readerName(index), false, STATE_TIMEOUT_MS);
        slots[index].insert(card);
        ReaderStates.await(readerName(index), true, STATE_TIMEOUT_MS);
    }

    /**
     * Pulls the card out of reader {@code index} (the driver sees its connection close) and
     * returns once pcscd reports the reader empty; no-op when empty.
     */
    public synchronized void remove(int index) {
        checkIndex(index);
        slots[index].remove();
        ReaderStates.await(readerName(index), false, STATE_TIMEOUT_MS);
    }

    /** True when reader {@code index} holds a card (false after a pull through a {@code null} answer too). */
    public boolean occupied(int index) {
        checkIndex(index);
        return slots[index].occupied();
    }

    /**
     * Kills pcscd and starts it again, as after a crash or a package upgrade. Returns once the
     * new daemon reports the inserted cards, which connect to it again by themselves; PC/SC
     * contexts of the old daemon are dead.
     */
    public synchronized void restartDaemon() {
        daemon.stop();
        daemon.start(daemon.port(0));
        pointLinkToDaemon();
        for (int i = 0; i < READERS; i++) {
            ReaderStates.await(readerName(i), slots[i].occupied(), STATE_TIMEOUT_MS);
        }
    }

    /**
     * What a subprocess needs to use this pcscd: {@code PCSCLITE_CSOCK_NAME} (the link to the
     * live socket) and {@code OPENSC_CONF} (an OpenSC configuration without file caching).
     */
    public Map<String, String> environment() {
        return Map.of("PCSCLITE_CSOCK_NAME", link.toString(), "OPENSC_CONF", openscConf().toString());
    }

    /** The stable path of the daemon's client socket (a symbolic link to the live one). */
    public Path clientSocket() {
        return link;
    }

    /** The process id of the running pcscd. */
    public long daemonPid() {
        return daemon.pid();
    }

    /** Removes the cards and stops pcscd; called by the shutdown hook of {@link #shared()}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CardSlot s : slots) {
            s.remove();
        }
        daemon.stop();
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= READERS) {
            throw new IllegalArgumentException("reader index " + index + " (there are readers 0 and 1)");
        }
    }
}
