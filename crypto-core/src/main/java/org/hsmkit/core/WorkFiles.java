package org.hsmkit.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files that exist only while an operation runs: the unfinished output beside its target, PDF
 * signing stages, spools in the temporary directory. A process killed at the wrong moment
 * (kill -9, power cut) cannot delete them, so each name carries its owner — process id and start
 * time — and whoever creates work files of the same kind next removes those whose owner is no
 * longer running:
 *
 * <ul>
 * <li>{@code .TARGET.PID-START.RANDOM.partial} / {@code .stage} beside {@code TARGET}
 * <li>{@code hsmkit-WHAT.PID-START.RANDOM.SUFFIX} in the temporary directory
 * </ul>
 *
 * Files of an older naming (without an owner) are removed once they are a day old.
 *
 * <p>An interrupted process (Ctrl-C, SIGTERM, SIGHUP) removes its own work files as it exits, so a
 * 20 GB encryption stopped half-way leaves no 10 GB hidden file, and a decryption leaves no
 * unauthenticated plaintext behind.
 */
public final class WorkFiles {
    /** The suffixes of work files beside a target. */
    private static final List<String> BESIDE = List.of(".partial", ".stage");
    /**
     * What follows the prefix's last dot: {@code .PID-START.RANDOM.suffix}. At most 18 digits each,
     * which a long holds: anyone may name a file in the temporary directory, and a longer number
     * made every hsmkit that cleaned up there fail.
     */
    private static final Pattern OWNER = Pattern.compile("\\.(\\d{1,18})-(\\d{1,18})\\.[^.]*\\.[a-z]+");
    private static final Duration OLD = Duration.ofDays(1);
    private static final String OWNER_TAG = ownerTag();
    /** How long a directory's listing of work files is used before it is read again. */
    private static final Duration RESCAN = Duration.ofMinutes(1);
    private static final Map<ScanKey, Scan> SCANS = new ConcurrentHashMap<>();
    /** The directories this process made work files in, for {@link #removeOwnAtExit()}. */
    private static final Set<Path> USED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static final int MAX_REMEMBERED = 4096;

    private WorkFiles() {
    }

    /**
     * A new, empty work file beside {@code target}, after removing abandoned ones of the same target.
     *
     * @param suffix {@code .partial} (the output itself) or {@code .stage} (an intermediate)
     */
    public static Path beside(Path target, String suffix) throws IOException {
        if (!BESIDE.contains(suffix)) {
            throw new IllegalArgumentException(suffix);
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        String prefix = "." + abs.getFileName() + ".";
        removeAbandoned(dir, prefix, BESIDE);
        return create(dir, prefix, suffix);
    }

    /** Removes the abandoned work files of {@code target} (those whose process has ended). */
    public static void removeAbandoned(Path target) {
        Path abs = target.toAbsolutePath();
        if (abs.getParent() != null && abs.getFileName() != null) {
            removeAbandoned(abs.getParent(), "." + abs.getFileName() + ".", BESIDE);
        }
    }

    /** A new, empty work file in the temporary directory, after removing abandoned ones of the same kind. */
    public static Path temporary(String what, String suffix) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = "hsmkit-" + what + ".";
        removeAbandoned(dir, prefix, List.of(suffix));
        return create(dir, prefix, suffix);
    }

    private static Path create(Path dir, String prefix, String suffix) throws IOException {
        // bounded for a long-running program that writes into ever new directories: beyond it, what an
        // interruption leaves there is removed by the next run instead
        if ((USED.size() < MAX_REMEMBERED && USED.add(dir)) && HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(WorkFiles::removeOwnAtExit, "hsmkit work files"));
            } catch (IllegalStateException exiting) {
                // the process is exiting already; the next run removes what this one leaves
            }
        }
        return Files.createTempFile(dir, prefix + OWNER_TAG + ".", suffix);
    }

    /**
     * Removes this process's work files as it exits. A finished operation has moved or deleted its
     * own, so what is left belongs to one that was interrupted. The thread doing it may still be
     * writing into the file or about to move it into place: on this system the writes go on into
     * a file without a name, and the move fails, so the target stays absent.
     */
    private static void removeOwnAtExit() {
        String mine = "." + OWNER_TAG + ".";
        for (Path dir : USED) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
                String n = p.getFileName().toString();
                return n.contains(mine) && (n.startsWith(".") || n.startsWith("hsmkit-"));
            })) {
                for (Path p : files) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | RuntimeException ignored) {
                // the process is ending: what cannot be removed now, the next run removes (see above)
            }
        }
    }

    /**
     * Removes the files in {@code dir} named {@code prefix…suffix} whose owner is not running.
     *
     * <p>A directory is read once per process and {@link #RESCAN} rather than once per work file:
     * a batch writing thousands of outputs into one directory would otherwise read that directory
     * again for each of them. A leftover that appears meanwhile (another process killed since) is
     * removed by the next process, or by this one after {@link #RESCAN}.
     */
    static void removeAbandoned(Path dir, String prefix, List<String> suffixes) {
        if (SCANS.size() > 256) {
            SCANS.values().removeIf(old -> !old.fresh()); // a long-running process that wrote into many directories
        }
        Scan scan = SCANS.compute(new ScanKey(dir, suffixes), (key, old) -> old != null && old.fresh() ? old : Scan.of(key));
        for (String name : scan.names()) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            Path p = dir.resolve(name);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                scan.names().remove(name);
            } else if (abandoned(p, name.substring(prefix.length() - 1))) {
                try {
                    Files.deleteIfExists(p);
                    scan.names().remove(name);
                } catch (IOException ignored) {
                    // not ours to remove (permissions): it stays, and is harmless
                }
            }
        }
    }

    private record ScanKey(Path dir, List<String> suffixes) {
        // written out: a record's generated equals and hashCode are linked by a bootstrap method
        // on first use, which took about 20 ms of every start (JFR, one-file encryption)
        @Override
        public boolean equals(Object o) {
            return o instanceof ScanKey k && dir.equals(k.dir) && suffixes.equals(k.suffixes);
        }

        @Override
        public int hashCode() {
            return 31 * dir.hashCode() + suffixes.hashCode();
        }
    }

    /** The names in a directory that end with a work-file suffix, as read at {@code at}. */
    private record Scan(Instant at, List<String> names) {
        static Scan of(ScanKey key) {
            List<String> names = new CopyOnWriteArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(key.dir(), p -> {
                String n = p.getFileName().toString();
                return key.suffixes().stream().anyMatch(n::endsWith);
            })) {
                for (Path p : files) {
                    names.add(p.getFileName().toString());
                }
            } catch (IOException ignored) {
                // an unreadable directory: creating the new work file will report it
            }
            return new Scan(Instant.now(), names);
        }

        boolean fresh() {
            return at.plus(RESCAN).isAfter(Instant.now());
        }
    }

    private static boolean abandoned(Path file, String rest) {
        Matcher m = OWNER.matcher(rest);
        if (!m.matches()) {
            try {
                return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(OLD));
            } catch (IOException e) {
                return false;
            }
        }
        long pid = Long.parseLong(m.group(1));
        long start = Long.parseLong(m.group(2));
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty() || !owner.get().isAlive()) {
            return true;
        }
        // the process id may have been reused: the owner is the process that started then (to the second)
        return owner.get().info().startInstant().map(i -> Math.abs(i.toEpochMilli() / 1000 - start) > 1).orElse(false);
    }

    private static String ownerTag() {
        ProcessHandle me = ProcessHandle.current();
        long start = me.info().startInstant().map(i -> i.toEpochMilli() / 1000).orElse(0L);
        return me.pid() + "-" + start;
    }
}
