package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit ca ocsp-respond}: one RFC 6960 answer, for a static or CGI responder. */
@Command(name = "ocsp-respond", mixinStandardHelpOptions = true,
        description = {"Answer one OCSP request (DER) from the CA database: good, revoked (time, reason) or unknown, signed on the"
            + " token by the CA key or a delegated responder key. For a CGI script or a static responder."})
final class CaOcspRespondCommand implements Callable<Integer> {
    private static final int MAX_REQUEST = 64 * 1024;
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Mixin
    CaOcspSignerOptions signer;

    @Option(names = {"-o", "--output"}, paramLabel = "RESPONSE.der", description = "write the answer to FILE (default: standard output)")
    String output;

    @Parameters(paramLabel = "REQUEST.der", description = "the OCSP request, DER ('-' for standard input)")
    String request;

    CaOcspRespondCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        Path in = request.equals("-") ? null : session.context().resolve(request);
        byte[] req = read(in);
        try (AtomicOutput out = session.output(output, true, in);
                CertificateAuthority authority = signer.open(session, ca.resolve(session))) {
            byte[] answer = signer.responder(session, authority).respond(req);
            try (OutputStream s = out.stream()) {
                s.write(answer);
            }
            out.commit();
            refusal(answer).ifPresent(why -> session.warn("answered " + why));
            return ExitCode.OK;
        }
    }

    /** What an answer other than "successful" says, for the log of the script that runs this command. */
    static java.util.Optional<String> refusal(byte[] answer) {
        int status;
        try {
            status = new org.bouncycastle.cert.ocsp.OCSPResp(answer).getStatus();
        } catch (IOException e) {
            throw new IllegalStateException("the responder wrote no OCSPResponse", e);
        }
        return switch (status) {
            case 0 -> java.util.Optional.empty();
            case 1 -> java.util.Optional.of("malformedRequest: the request is not a readable OCSP request");
            case 3 -> java.util.Optional.of("tryLater: the token did not sign (removed, or the login ended)");
            case 6 -> java.util.Optional.of("unauthorized: the request asks about no certificate of this CA");
            default -> java.util.Optional.of("status " + status);
        };
    }

    private byte[] read(Path in) {
        try {
            byte[] b = in == null ? session.context().stdin().readNBytes(MAX_REQUEST + 1) : readFile(in);
            if (b.length > MAX_REQUEST) {
                throw HsmkitException.input("the OCSP request is larger than " + MAX_REQUEST + " bytes", "give one DER OCSPRequest");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the request " + request + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + request + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path in) throws IOException {
        try (var s = Files.newInputStream(in)) {
            return s.readNBytes(MAX_REQUEST + 1);
        }
    }
}
