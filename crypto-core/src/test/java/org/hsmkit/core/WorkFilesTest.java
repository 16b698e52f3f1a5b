package org.hsmkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work files name their owner (process id and start time); creating one removes those of the same
 * target whose owner has ended, and keeps those of running processes.
 */
class WorkFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewWorkFileRemovesTheLeftoversOfEndedProcessesAndKeepsThoseOfRunningOnes() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long endedStart = ended.info().startInstant().map(i -> i.toEpochMilli() / 1000).orElse(1L);
        ProcessHandle me = ProcessHandle.current();
        long myStart = me.info().startInstant().orElseThrow().toEpochMilli() / 1000;
        Path target = dir.resolve("out.p7m");
        Files.createFile(dir.resolve(".out.p7m." + ended.pid() + "-" + endedStart + ".123.partial"));
        Files.createFile(dir.resolve(".out.p7m." + ended.pid() + "-" + endedStart + ".456.stage"));
        Files.createFile(dir.resolve(".out.p7m." + me.pid() + "-" + myStart + ".789.partial"));
        Files.createFile(dir.resolve(".out.p7m." + me.pid() + "-" + (myStart - 3600) + ".790.partial")); // this pid, another start
        Path oldStyle = Files.createFile(dir.resolve(".out.p7m.4711.partial"));
        Files.setLastModifiedTime(oldStyle, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Files.createFile(dir.resolve(".out.p7m.4712.partial")); // old naming, but fresh: may be running
        Files.createFile(dir.resolve(".other.p7m." + ended.pid() + "-" + endedStart + ".1.partial")); // another target
        Files.createFile(dir.resolve("out.p7m.partial")); // not hidden: not a work file

        Path created = WorkFiles.beside(target, ".partial");

        assertTrue(created.getFileName().toString().startsWith(".out.p7m." + me.pid() + "-"), created.toString());
        assertEquals(List.of(".other.p7m." + ended.pid() + "-" + endedStart + ".1.partial", ".out.p7m." + me.pid() + "-" + myStart + ".789.partial",
                ".out.p7m.4712.partial", created.getFileName().toString(), "out.p7m.partial").stream().sorted().toList(), names());
    }

    /** Anyone may name a file in the temporary directory: numbers no process has are old naming, not a failure. */
    @Test
    void anOwnerNumberLongerThanAnyProcessIdIsReadAsOldNaming() throws Exception {
        Path huge = Files.createFile(dir.resolve(".c.p7m." + "9".repeat(20) + "-1.x.partial"));
        Path hugeOld = Files.createFile(dir.resolve(".c.p7m.1-" + "9".repeat(40) + ".y.partial"));
        Files.setLastModifiedTime(hugeOld, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Files.delete(WorkFiles.beside(dir.resolve("c.p7m"), ".partial"));
        assertTrue(Files.exists(huge), "fresh: kept, as any file of the old naming");
        assertTrue(Files.notExists(hugeOld), "a day old: removed, as any file of the old naming");
    }

    /**
     * A batch writes thousands of outputs into one directory: it reads the directory once, not once
     * per output, so a leftover that appears later is the next process's to remove.
     */
    @Test
    void aDirectoryIsReadOncePerProcessSoALeftoverThatAppearsLaterIsLeftForTheNextProcess() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long endedStart = ended.info().startInstant().map(i -> i.toEpochMilli() / 1000).orElse(1L);
        Path before = Files.createFile(dir.resolve(".a.p7m." + ended.pid() + "-" + endedStart + ".1.partial"));
        Files.delete(WorkFiles.beside(dir.resolve("a.p7m"), ".partial"));
        assertTrue(Files.notExists(before), "present when the directory was read: removed");

        Path later = Files.createFile(dir.resolve(".b.p7m." + ended.pid() + "-" + endedStart + ".2.partial"));
        Files.delete(WorkFiles.beside(dir.resolve("b.p7m"), ".partial"));
        assertTrue(Files.exists(later), "appeared after the directory was read: left for the next process");
    }
}
