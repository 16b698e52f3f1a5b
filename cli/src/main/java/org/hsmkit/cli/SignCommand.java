package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;

import picocli.CommandLine.Command;

/** Placeholder until this command is built. */
@Command(name = "sign", mixinStandardHelpOptions = true, description = "(not built yet)")
final class SignCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw HsmkitException.input("'sign' is not built yet", null);
    }
}
