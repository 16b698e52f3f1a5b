package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;

import picocli.CommandLine.Command;

/** Placeholder until this command is built. */
@Command(name = "random", mixinStandardHelpOptions = true, description = "(not built yet)")
final class RandomCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw HsmkitException.input("'random' is not built yet", null);
    }
}
