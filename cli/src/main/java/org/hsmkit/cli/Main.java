package org.hsmkit.cli;

/** The {@code hsmkit} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = HsmkitCli.run(CliContext.system(), args);
        System.exit(code);
    }
}
