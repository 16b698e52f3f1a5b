package org.hsmkit.pdf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client behind TSA, OCSP, CRL and certificate downloads, against a loopback server that
 * misbehaves: a body sent a byte at a time ends in an I/O error naming the URL once the deadline
 * has passed (the client's own timeout stops at the headers), a body larger than any answer is cut
 * off, and other statuses than 200 are errors.
 */
class HttpTest {
    static HttpServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/ok", ex -> {
            ex.sendResponseHeaders(200, 3);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(new byte[] {1, 2, 3});
            }
        });
        server.createContext("/drip", ex -> {
            ex.sendResponseHeaders(200, 1000);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    out.write(i);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException | java.io.IOException stopped) {
                // the client went away
            }
        });
        server.createContext("/huge", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, without end
            try (OutputStream out = ex.getResponseBody()) {
                byte[] block = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
            } catch (java.io.IOException stopped) {
                // the client went away
            }
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    @Test
    void aCompleteAnswerIsReturned() {
        assertArrayEquals(new byte[] {1, 2, 3}, Http.send(get("/ok"), base + "/ok", Duration.ofSeconds(20)));
    }

    @Test
    void aBodySentAByteAtATimeEndsAtTheDeadline() {
        HsmkitException e = assertTimeoutPreemptively(Duration.ofSeconds(30), // a bound against hanging, not a timing check
                () -> assertThrows(HsmkitException.class, () -> Http.send(get("/drip"), base + "/drip", Duration.ofSeconds(2))));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains(base + "/drip did not answer completely within 2 s"), e.getMessage());
    }

    @Test
    void aBodyLargerThanAnyAnswerIsCutOff() {
        HsmkitException e = assertThrows(HsmkitException.class, () -> Http.send(get("/huge"), base + "/huge", Duration.ofSeconds(60)));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains(base + "/huge sent more than 33554432 bytes"), e.getMessage());
    }

    @Test
    void anotherStatusIsAnError() {
        HsmkitException e = assertThrows(HsmkitException.class, () -> Http.send(get("/missing"), base + "/missing", Duration.ofSeconds(20)));
        assertTrue(e.getMessage().contains("answered HTTP 404"), e.getMessage());
    }
}
