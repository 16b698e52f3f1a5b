package org.hsmkit.core.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.hsmkit.core.HsmkitException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP server for a CA: OCSP over POST ({@code application/ocsp-request} to any path) and
 * GET (RFC 6960 appendix A.1: the base64 request, URL-encoded, after the slash), the CA certificate
 * at {@code /ca.crt} (DER) and the newest CRL at {@code /ca.crl} (DER). Bodies over 64 KiB are
 * refused. Meant for tests and small deployments; put it behind a real web server for anything
 * larger.
 *
 * <p>Requests are read on up to {@value #THREADS} threads and answered one at a time (a token key
 * signs one answer at a time, and the CA's database is read by one). A client that sends part of
 * a request and then nothing holds one reading thread, not the responder: with one thread, a
 * single such connection had stopped every answer. A connection whose request is not complete
 * after {@value #REQUEST_SECONDS} s is closed, when this is the first HTTP server of the process
 * (the JDK's server reads {@code sun.net.httpserver.maxReqTime} once; a value set before is kept).
 * When all threads are reading, a new connection is closed at once rather than queued.
 */
public final class OcspServer implements AutoCloseable {
    private static final int MAX_REQUEST = 64 * 1024;
    static final int THREADS = 64;
    static final int REQUEST_SECONDS = 10;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Consumer<Exchange> log;
    private final AtomicLong answered = new AtomicLong();
    /** Held while answering: one signature on the token, one reader of the database, at a time. */
    private final Object answering = new Object();

    private OcspServer(HttpServer server, ExecutorService executor, Consumer<Exchange> log) {
        this.server = server;
        this.executor = executor;
        this.log = log;
    }

    /**
     * One request served, for an operator's log: who asked, what, the HTTP status and what the
     * answer said. {@link #toString()} is one line such as {@code 127.0.0.1 POST / 200 successful:
     * 1A good, 2F revoked (keyCompromise) 12 ms}; a GET request's base64 is cut after 40 characters.
     *
     * @param status the HTTP status sent, or 0 when the client went away before one was
     * @param answer for OCSP, the response status and each certificate's (serial in hex); otherwise
     *        what was sent or why not
     */
    public record Exchange(InetSocketAddress client, String method, String path, int status, String answer, Duration took) {
        @Override
        public String toString() {
            String p = path.length() > 41 ? path.substring(0, 41) + "..." : path;
            String host = client == null || client.getAddress() == null ? "-" : client.getAddress().getHostAddress();
            return host + " " + method + " " + p + " " + status + " " + answer + " " + took.toMillis() + " ms";
        }
    }

    /**
     * Binds {@code address} (port 0: any free port) and starts serving.
     *
     * @throws HsmkitException IO when the address cannot be bound
     */
    public static OcspServer start(InetSocketAddress address, CertificateAuthority ca, OcspResponder responder) {
        return start(address, ca, responder, e -> { });
    }

    /**
     * As {@link #start(InetSocketAddress, CertificateAuthority, OcspResponder)}, and tells {@code
     * log} of every request once it is answered (on the thread that served it; calls may overlap).
     */
    public static OcspServer start(InetSocketAddress address, CertificateAuthority ca, OcspResponder responder,
            Consumer<Exchange> log) {
        // small answers would otherwise wait for the client's delayed ACK (about 40 ms each on Linux)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw HsmkitException.io("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = new ThreadPoolExecutor(0, THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "hsmkit-ocsp");
            t.setDaemon(true);
            return t;
        });
        OcspServer s = new OcspServer(server, executor, log);
        server.createContext("/", ex -> s.handle(ex, ca, responder));
        server.setExecutor(executor);
        server.start();
        return s;
    }

    /** The address bound, with the port chosen when 0 was asked. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
    }

    /** How many OCSP requests have been answered. */
    public long answered() {
        return answered.get();
    }

    private void handle(HttpExchange ex, CertificateAuthority ca, OcspResponder responder) throws IOException {
        long start = System.nanoTime();
        String[] answer = {"client went away"};
        try (ex) {
            answer[0] = serve(ex, ca, responder);
        } finally {
            try {
                log.accept(new Exchange(ex.getRemoteAddress(), ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                        ex.getResponseCode() < 0 ? 0 : ex.getResponseCode(), answer[0], Duration.ofNanos(System.nanoTime() - start)));
            } catch (RuntimeException e) {
                // a failing log must not take the responder down with it
            }
        }
    }

    /** Answers one request; returns what the answer said, for the log. */
    private String serve(HttpExchange ex, CertificateAuthority ca, OcspResponder responder) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            if (method.equals("GET") && path.equals("/ca.crt")) {
                send(ex, 200, "application/pkix-cert", der(ca));
                return "CA certificate";
            }
            if (method.equals("GET") && path.equals("/ca.crl")) {
                Optional<X509CRL> crl;
                synchronized (answering) {
                    crl = ca.latestCrl();
                }
                if (crl.isEmpty()) {
                    send(ex, 404, "text/plain", "no CRL made yet: hsmkit ca crl\n".getBytes(StandardCharsets.US_ASCII));
                    return "no CRL made yet";
                }
                send(ex, 200, "application/pkix-crl", crl.get().getEncoded());
                return "CRL of " + crl.get().getThisUpdate().toInstant();
            }
            byte[] request;
            if (method.equals("POST")) {
                request = body(ex);
            } else if (method.equals("GET") && path.length() > 1) {
                try {
                    request = Base64.getDecoder().decode(URLDecoder.decode(path.substring(1).replace("+", "%2B"), StandardCharsets.US_ASCII));
                } catch (IllegalArgumentException e) {
                    request = new byte[0];
                }
            } else {
                send(ex, 405, "text/plain", "POST an OCSP request\n".getBytes(StandardCharsets.US_ASCII));
                return "not an OCSP request";
            }
            if (request == null) {
                send(ex, 413, "text/plain", "request too large\n".getBytes(StandardCharsets.US_ASCII));
                return "request over " + MAX_REQUEST + " bytes";
            }
            byte[] answer;
            synchronized (answering) {
                answer = responder.respond(request);
                answered.incrementAndGet();
            }
            send(ex, 200, "application/ocsp-response", answer);
            return OcspResponder.describe(answer);
        } catch (java.security.cert.CRLException e) {
            ex.sendResponseHeaders(500, -1);
            return "the CRL could not be encoded";
        }
    }

    private static byte[] der(CertificateAuthority ca) throws IOException {
        try {
            return ca.certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    /** The body, or null when it is larger than allowed. */
    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_REQUEST + 1);
            return b.length > MAX_REQUEST ? null : b;
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Stops listening and closes the connections; waits up to a second for requests being answered
     * to finish (and be logged: a client that got its answer has its line).
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        // a server is often closed because its thread was interrupted: wait all the same
        boolean interrupted = Thread.interrupted();
        boolean finished = false;
        try {
            finished = executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (!finished) {
                executor.shutdownNow();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
