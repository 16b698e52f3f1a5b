package org.hsmkit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.OcspServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit ca ocsp-serve}: a small HTTP OCSP responder, on loopback unless told otherwise. */
@Command(name = "ocsp-serve", mixinStandardHelpOptions = true,
        description = {"Run an HTTP OCSP responder for this CA until interrupted (Ctrl-C or SIGTERM): OCSP over POST and GET"
            + " (RFC 6960), the CA certificate at /ca.crt and the newest CRL at /ca.crl.",
            "It listens on the loopback interface (127.0.0.1) unless --listen names another address; it is meant for tests"
                + " and small deployments, behind a real web server when exposed.",
            "Each request gets a line on standard error (unless -q): time, client, method, path, HTTP status, and what the"
                + " answer said (for OCSP: each certificate's serial number and status), and how long it took; with --json, a"
                + " JSON object per line on standard output instead."})
final class CaOcspServeCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Mixin
    CaOcspSignerOptions signer;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "address and port (default: ${DEFAULT-VALUE}, loopback only; port 0 picks a free one)")
    String listen;

    CaOcspServeCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        InetSocketAddress address = parse(listen);
        CountDownLatch stopped = new CountDownLatch(1);
        try (CertificateAuthority authority = signer.open(session, ca.resolve(session));
                OcspServer server = OcspServer.start(address, authority, signer.responder(session, authority),
                        e -> served(Instant.now().truncatedTo(ChronoUnit.SECONDS), e))) {
            Thread hook = new Thread(stopped::countDown, "hsmkit-ocsp-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            if (!address.getAddress().isLoopbackAddress()) {
                session.warn("listening on " + address.getAddress().getHostAddress() + ", reachable from other machines");
            }
            session.context().stderr().println("hsmkit: OCSP responder for " + KeyImportCertCommand.subject(authority.certificate())
                    + " listening on " + server.url() + " (stop with Ctrl-C)");
            session.context().stderr().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // stopped by whoever runs this command in-process, as a signal stops the process
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is stopping: the hook runs anyway
                }
                session.info("hsmkit: stopped after " + server.answered() + " OCSP answer(s)");
            }
            return ExitCode.OK;
        }
    }

    /** A request's line on standard error, or with --json its object on standard output (JSON Lines, docs/json.md). */
    private void served(Instant at, OcspServer.Exchange e) {
        if (session.json()) {
            JsonOutput.printLine(session.context().stdout(), new ServedJson(at.toString(),
                    e.client() == null || e.client().getAddress() == null ? null : e.client().getAddress().getHostAddress(),
                    e.method(), e.path(), e.status(), e.answer(), e.took().toMillis()));
        } else {
            session.info("hsmkit: " + at + " " + e);
        }
    }

    record ServedJson(String time, String client, String method, String path, int status, String answer, long millis) {
    }

    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon);
        String port = colon < 0 ? text : text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(InetAddress.getByName(host.isEmpty() ? "127.0.0.1" : host), p);
        } catch (NumberFormatException | UnknownHostException e) {
            throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not an address to listen on",
                    "write HOST:PORT, e.g. --listen 127.0.0.1:8080");
        }
    }
}
