package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.hsmkit.core.HsmkitException;

/** Small GET/POST client for TSA, OCSP, CRL and AIA URLs; every failure names the URL. */
public final class Http {
    /** Larger answers are refused: no OCSP response, CRL or certificate is this big. */
    private static final int MAX_BYTES = 32 * 1024 * 1024;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private Http() {
    }

    public static byte[] get(String url) {
        return send(url, HttpRequest.newBuilder(uri(url)).GET(), url);
    }

    public static byte[] post(String url, String contentType, byte[] body) {
        return send(url, HttpRequest.newBuilder(uri(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), url);
    }

    private static URI uri(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not http(s)");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("cannot use the URL " + url + ": " + e.getMessage(), "give an http:// or https:// URL");
        }
    }

    private static byte[] send(String url, HttpRequest.Builder b, String what) {
        try {
            HttpResponse<InputStream> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw HsmkitException.io(what + " answered HTTP " + r.statusCode(), null);
                }
                byte[] data = in.readNBytes(MAX_BYTES + 1);
                if (data.length > MAX_BYTES) {
                    throw HsmkitException.io(what + " sent more than " + MAX_BYTES + " bytes", null);
                }
                return data;
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot reach " + what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HsmkitException.io("interrupted while talking to " + what, e);
        }
    }
}
