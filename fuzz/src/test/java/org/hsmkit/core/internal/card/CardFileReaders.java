package org.hsmkit.core.internal.card;

import java.util.List;

/**
 * The card layer's readers of what a card returns, each as the token calls it, numbered for the
 * fuzz target (which picks one with its first byte). Lives in the card package to reach the
 * package-private ones.
 */
public final class CardFileReaders {
    public static final int COUNT = 8;

    private CardFileReaders() {
    }

    /** Runs reader {@code which} on {@code file}; an {@link IllegalArgumentException} is its documented refusal. */
    public static Object read(int which, byte[] file) {
        return switch (which) {
            case 0 -> Pkcs15Files.PrivateKey.parse(file, 1);
            case 1 -> Pkcs15Files.DataObject.parse(file);
            case 2 -> Pkcs15Files.tokenLabel(file);
            case 3 -> String.valueOf(CardKeyStore.requestKey(file));
            case 4 -> deepParse(Tlv.parseAll(file), 0);
            case 5 -> CvcPublicKey.parse(Tlv.parse(file)).toJca();
            case 6 -> Tlv.parse(file).child(0x85).map(Tlv::value).orElse(new byte[0]).length;
            default -> Pkcs15Files.Certificate.parse(file);
        };
    }

    /** Every nested object, as the card layer walks certificates and requests. */
    private static int deepParse(List<Tlv> all, int depth) {
        int n = all.size();
        for (Tlv t : all) {
            if (t.constructed() && depth < 16) {
                n += deepParse(t.children(), depth + 1);
            }
        }
        return n;
    }
}
