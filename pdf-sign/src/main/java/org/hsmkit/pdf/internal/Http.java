package org.hsmkit.pdf.internal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.hsmkit.core.HsmkitException;

/** Small GET/POST client for TSA, OCSP, CRL and AIA URLs; every failure names the URL. */
public final class Http {
    /** Larger answers are refused: no OCSP response, CRL or certificate is this big. */
    private static final int MAX_BYTES = 32 * 1024 * 1024;
    /** The most a whole exchange may take, body included. */
    private static final Duration EXCHANGE = Duration.ofSeconds(60);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private Http() {
    }

    public static byte[] get(String url) {
        return send(HttpRequest.newBuilder(uri(url)).GET(), url, EXCHANGE);
    }

    public static byte[] post(String url, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), url, EXCHANGE);
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

    /**
     * Sends the request and reads the whole answer within {@code deadline}: the client's own timeout
     * ends at the answer's headers, and a server that then sends its body a byte at a time (the URLs
     * come from certificates in documents from anyone, at {@code pdf extend}) would otherwise hold
     * the command for as long as it liked.
     */
    static byte[] send(HttpRequest.Builder b, String what, Duration deadline) {
        CompletableFuture<HttpResponse<byte[]>> pending = CLIENT.sendAsync(b.timeout(deadline).build(), info -> new CappedBody(what));
        try {
            HttpResponse<byte[]> r = pending.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (r.statusCode() != 200) {
                throw HsmkitException.io(what + " answered HTTP " + r.statusCode(), null);
            }
            return r.body();
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw HsmkitException.io(what + " did not answer completely within " + deadline.toSeconds() + " s", null);
        } catch (ExecutionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof HsmkitException h) {
                    throw h;
                }
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw HsmkitException.io("cannot reach " + what + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
                    cause);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw HsmkitException.io("interrupted while talking to " + what, e);
        }
    }

    /** The body as bytes, refused (and the exchange ended) once it is larger than {@link #MAX_BYTES}. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final String what;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(String what) {
            this.what = what;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (result.isDone()) {
                    return;
                }
                if (body.size() + b.remaining() > MAX_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(HsmkitException.io(what + " sent more than " + MAX_BYTES + " bytes", null));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                body.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(body.toByteArray());
        }
    }
}
