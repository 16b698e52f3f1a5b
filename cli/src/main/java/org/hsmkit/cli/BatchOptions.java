package org.hsmkit.cli;

import picocli.CommandLine.Option;

/** The options of every command that takes several inputs; {@link BatchRunner} acts on them. */
final class BatchOptions {
    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "write each output into DIR (created when missing), under the name it would get beside its input")
    String outputDir;

    @Option(names = "--files-from", paramLabel = "FILE",
            description = "also take the inputs listed in FILE, one per line ('-': standard input)")
    String filesFrom;

    @Option(names = {"-0", "--null"}, description = "--files-from names are separated by NUL bytes (as find -print0 writes them)")
    boolean nul;

    @Option(names = "--fail-fast", description = "with several inputs: stop at the first failure (default: go on with the others)")
    boolean failFast;

    @Option(names = "--jobs", paramLabel = "N",
            description = "with several inputs: how many files to work on at once (default: the number of processors)")
    Integer jobs;
}
