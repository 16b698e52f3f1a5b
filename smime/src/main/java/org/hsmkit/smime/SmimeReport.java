package org.hsmkit.smime;

import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;

/**
 * The result of {@link SmimeReader#read}: the message with every S/MIME layer removed, and what
 * each layer was and proved. Only {@link #verified()} says that the content is authentic.
 */
public final class SmimeReport {
    private final MimeMessage message;
    private final MimePart content;
    private final List<SmimeLayer> layers;
    private final List<UnsignedPart> unsignedParts;

    public SmimeReport(MimeMessage message, MimePart content, List<SmimeLayer> layers, List<UnsignedPart> unsignedParts) {
        this.message = message;
        this.content = content;
        this.layers = List.copyOf(layers);
        this.unsignedParts = List.copyOf(unsignedParts);
    }

    /**
     * The received message's header fields around the innermost content: what a mail client
     * would display. The header fields themselves are not covered by any signature.
     */
    public MimeMessage message() {
        return message;
    }

    /** The innermost content (the body with the outer layers removed). */
    public MimePart content() {
        return content;
    }

    /** Every layer found, outermost first (nested parts in tree order). */
    public List<SmimeLayer> layers() {
        return layers;
    }

    /** Leaf parts outside any signed layer. */
    public List<UnsignedPart> unsignedParts() {
        return unsignedParts;
    }

    /** Every signature of every signed layer. */
    public List<SignatureReport> signatures() {
        List<SignatureReport> all = new ArrayList<>();
        for (SmimeLayer l : layers) {
            all.addAll(l.signatures());
        }
        return all;
    }

    public boolean isSigned() {
        return layers.stream().anyMatch(l -> l.kind().isSigned());
    }

    public boolean isEncrypted() {
        return layers.stream().anyMatch(l -> l.kind().isEncrypted());
    }

    /**
     * True when the message is signed, every signature is {@link SignatureReport#valid() valid},
     * and every displayed part lies inside a signed layer.
     */
    public boolean verified() {
        return problems().isEmpty();
    }

    /** Why {@link #verified()} is false; empty when it is true. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!isSigned()) {
            p.add("the message is not signed");
        }
        for (SignatureReport s : signatures()) {
            for (String why : s.problems()) {
                p.add("signature by " + s.signerName() + ": " + why);
            }
        }
        for (UnsignedPart u : unsignedParts) {
            if (isSigned()) {
                p.add("part " + u.path() + " (" + u.contentType() + ") is outside the signed part: it is not covered by the signature");
            }
        }
        return p;
    }
}
