package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.internal.ca.CaFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit ca export}: an issued certificate from the database, the record being the source of truth. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a certificate this CA issued (PEM) from its record in the CA database, e.g. when the file from 'ca issue' was lost.")
final class CaExportCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE (default: standard output)")
    String output;

    @Option(names = "--chain", description = "append the CA's chain (chain.pem)")
    boolean chain;

    @Parameters(paramLabel = "SERIAL", description = "the serial number in hex, as 'hsmkit ca list' shows it")
    String serial;

    CaExportCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        BigInteger s = CaCommand.parseSerial(serial);
        try (AtomicOutput out = session.output(output, false);
                CertificateAuthority authority = CertificateAuthority.openRecords(ca.resolve(session))) {
            List<Object> pem = new ArrayList<>();
            pem.add(authority.issuedCertificate(s).orElseThrow(() -> HsmkitException.input(
                    "this CA issued no certificate with serial " + serial, "'hsmkit ca list' shows the serials")));
            if (chain) {
                pem.addAll(authority.chain());
            }
            try (OutputStream o = out.stream()) {
                CaFiles.writePem(o, pem);
            }
            out.commit();
            return ExitCode.OK;
        }
    }
}
