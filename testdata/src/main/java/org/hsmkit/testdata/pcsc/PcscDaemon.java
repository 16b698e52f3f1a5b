package org.hsmkit.testdata.pcsc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One private pcscd process: its own mount namespace with a tmpfs on /run (so its socket does not
 * clash with a system pcscd or another test JVM's), reading a reader.conf.d with one vpcd entry in
 * listening mode. vpcd makes two readers of that entry, listening on TCP ports {@code port} and
 * {@code port + 1} of every interface; the card side connects to 127.0.0.1 only.
 */
final class PcscDaemon {
    static final List<String> PCSCD = List.of("/usr/sbin/pcscd", "/usr/local/sbin/pcscd", "/sbin/pcscd");
    static final List<String> VPCD_DRIVER = List.of(
            "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
            "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
            "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so");
    static final String FRIENDLY_NAME = "hsmkit test reader";
    private static final long START_TIMEOUT_MS = 15_000;

    private final Path dir;
    private final Path pcscd;
    private final Path driver;
    private Process process;
    private int port;
    private List<String> namespace = List.of("unshare", "--user", "--map-root-user", "--mount");

    private PcscDaemon(Path dir, Path pcscd, Path driver) {
        this.dir = dir;
        this.pcscd = pcscd;
        this.driver = driver;
    }

    /** Finds pcscd and the vpcd driver, or fails naming the Debian package to install. */
    static PcscDaemon locate(Path dir) {
        Path pcscd = firstExisting(PCSCD, "pcscd");
        if (pcscd == null) {
            throw new IllegalStateException("pcscd is not installed (looked for " + String.join(", ", PCSCD)
                    + "); the test command installs it: apt-get install pcscd");
        }
        Path driver = firstExisting(VPCD_DRIVER, null);
        if (driver == null) {
            throw new IllegalStateException("the vpcd reader driver libifdvpcd.so is not installed (looked for "
                    + String.join(", ", VPCD_DRIVER) + "); the test command installs it: apt-get install vsmartcard-vpcd");
        }
        if (firstExisting(List.of("/usr/bin/unshare", "/bin/unshare"), "unshare") == null) {
            throw new IllegalStateException("unshare is not installed; apt-get install util-linux");
        }
        return new PcscDaemon(dir, pcscd, driver);
    }

    private static Path firstExisting(List<String> candidates, String onPath) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c)) || (onPath == null && Files.isRegularFile(Path.of(c)))) {
                return Path.of(c);
            }
        }
        if (onPath != null) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, onPath))) {
                    return Path.of(d, onPath);
                }
            }
        }
        return null;
    }

    /** The port of reader {@code index} (0 or 1), where the card side connects. */
    int port(int index) {
        return port + index;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The daemon's client socket, seen through its mount namespace. */
    Path socket() {
        return Path.of("/proc", Long.toString(process.pid()), "root", "run", "pcscd", "pcscd.comm");
    }

    /**
     * Starts pcscd on {@code preferredPort} when it is still free (after a restart), else on free
     * ports chosen now. Another test JVM may take the same ports at the same moment: the daemon
     * counts as started only when its own process listens on both, otherwise it is stopped and
     * other ports are tried.
     */
    void start(int preferredPort) {
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            int candidate = attempt == 0 && preferredPort > 0 ? preferredPort : freePortPair();
            String failure = tryStart(candidate);
            if (failure == null) {
                port = candidate;
                return;
            }
            failures.add(failure);
            stop();
        }
        throw new IllegalStateException("pcscd did not start: " + String.join("; ", failures) + " (log: "
                + dir.resolve("pcscd.log") + ")");
    }

    private String tryStart(int candidate) {
        try {
            Path conf = dir.resolve("reader.conf.d");
            Files.createDirectories(conf);
            Files.writeString(conf.resolve("vpcd"), "FRIENDLYNAME \"" + FRIENDLY_NAME + "\"\n"
                    + "DEVICENAME /dev/null:" + candidate + "\n"
                    + "LIBPATH " + driver + "\n"
                    + "CHANNELID " + candidate + "\n", StandardCharsets.US_ASCII);
            stopLeftover();
            process = launch(conf, namespace);
            Files.writeString(pidFile(), Long.toString(process.pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start pcscd", e);
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                if (namespace.size() > 2 && isRoot()) {
                    // no user namespaces here (a container, a hardened kernel): root can make a
                    // mount namespace without one
                    namespace = List.of("unshare", "--mount");
                }
                return "pcscd exited with code " + process.exitValue() + " on port " + candidate + ": " + logTail();
            }
            if (Files.exists(socket()) && listensOn(process.pid(), candidate) && listensOn(process.pid(), candidate + 1)) {
                return null;
            }
            sleep(20);
        }
        return "pcscd did not listen on ports " + candidate + " and " + (candidate + 1) + " within "
                + START_TIMEOUT_MS / 1000 + " s";
    }

    private Process launch(Path conf, List<String> unshare) throws IOException {
        // a tmpfs on /run gives this pcscd its own /run/pcscd, whether or not the directory
        // exists on this machine; the log is appended so a restart keeps the history
        List<String> cmd = new ArrayList<>(unshare);
        cmd.addAll(List.of("sh", "-c",
                "mount -t tmpfs tmpfs /run && mkdir -p /run/pcscd && exec \"$1\" --foreground --config \"$2\"",
                "sh", pcscd.toString(), conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pcscd.log").toFile()));
        return pb.start();
    }

    private Path pidFile() {
        return dir.resolve("pcscd.pid");
    }

    /** Stops a pcscd of this directory that a killed test JVM left running. */
    private void stopLeftover() {
        try {
            if (!Files.isRegularFile(pidFile())) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile(), StandardCharsets.US_ASCII).strip());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (Files.isReadable(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
                    .contains(dir.resolve("reader.conf.d").toString())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        } catch (IOException | NumberFormatException ignored) {
            // nothing to stop
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElse("").split("\\s+")[1]);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("pcscd.log"), StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "no log";
        }
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 5 s) and waits for it. */
    void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePortPair() {
        for (int i = 0; i < 100; i++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            if (free(p) && free(p + 1)) {
                return p;
            }
        }
        throw new IllegalStateException("no two free adjacent TCP ports found for the virtual readers");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when process {@code pid} owns a listening IPv4 TCP socket on {@code port}. */
    static boolean listensOn(long pid, int port) {
        Set<String> inodes = socketInodes(pid);
        if (inodes.isEmpty()) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[1].contains(":")) {
                    continue;
                }
                int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (localPort == port && "0A".equals(f[3]) && inodes.contains(f[9])) {
                    return true;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // the descriptor closed meanwhile
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return inodes;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
