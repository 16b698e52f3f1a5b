package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, from the raw bytes, that the cross-reference chain of a document (or of the part of it
 * that ends one revision) reaches every revision: the last {@code startxref} and each {@code /Prev}
 * must point at a cross-reference section (a table or an xref stream), and every revision must hold
 * a section the chain visits. A reader that follows a damaged chain sees only part of the objects
 * (PDFBox stops at a {@code /Prev 0}); readers that repair the file rebuild the table from the
 * objects themselves, and verification must judge what they show.
 */
public final class XrefChain {
    private static final Pattern PREV = Pattern.compile("/Prev\\s+(-?\\d+)");
    private static final Pattern OBJECT_HEADER = Pattern.compile("^\\d+\\s+\\d+\\s+obj\\b");
    private static final int WINDOW = 4096;

    private XrefChain() {
    }

    /** How the damage of a sound chain that misses whole revisions begins. */
    private static final String MISSED = "the chain does not reach the cross-reference section";

    /**
     * Whether {@code damage} says only that the chain misses revisions: each pointer it follows
     * is sound, and a marker of a revision it does not reach may be no revision's end at all.
     */
    public static boolean onlyMissesRevisions(List<String> damage) {
        return damage.size() == 1 && damage.get(0).startsWith(MISSED);
    }

    /**
     * What is wrong with the chain of the revisions that end at {@code ends} (ascending, the last
     * one ending the part to check); empty when the chain is sound.
     */
    public static List<String> damage(RandomAccessFile raf, List<Long> ends) throws IOException {
        List<String> damage = new ArrayList<>();
        if (ends.isEmpty()) {
            return damage;
        }
        int last = ends.size();
        long end = ends.get(last - 1);
        long start = startxref(raf, last == 1 ? 0 : ends.get(last - 2), end);
        if (start < 0) {
            damage.add("revision " + last + " has no readable startxref");
            return damage;
        }
        Set<Long> seen = new HashSet<>();
        boolean[] visited = new boolean[last + 1];
        long at = start;
        String from = "the startxref of revision " + last;
        while (at != Long.MIN_VALUE) {
            if (!seen.add(at)) {
                damage.add(from + " loops back to byte " + at);
                break;
            }
            Section s = at > 0 && at < end ? section(raf, at, end) : null;
            if (s == null) {
                damage.add(from + (at == Long.MAX_VALUE ? " is a number beyond any file size"
                        : " points at byte " + at + ", where no cross-reference section is"));
                break;
            }
            visited[revisionOf(ends, at)] = true;
            from = "the /Prev of the cross-reference section at byte " + at;
            at = s.prev();
        }
        List<Integer> missed = new ArrayList<>();
        for (int r = 1; r <= last; r++) {
            if (!visited[r]) {
                missed.add(r);
            }
        }
        if (!missed.isEmpty()) {
            damage.add(MISSED + (missed.size() > 1 ? "s" : "")
                    + " of revision" + (missed.size() > 1 ? "s " : " ") + ranges(missed));
        }
        return damage;
    }

    private record Section(long prev) {
    }

    /** The 1-based revision whose bytes hold {@code offset}. */
    private static int revisionOf(List<Long> ends, long offset) {
        for (int i = 0; i < ends.size(); i++) {
            if (offset < ends.get(i)) {
                return i + 1;
            }
        }
        return ends.size();
    }

    /** The number after the last {@code startxref} between {@code from} and {@code end}; -1 when none. */
    static long startxref(RandomAccessFile raf, long from, long end) throws IOException {
        long begin = Math.max(from, end - 1024);
        String tail = read(raf, begin, (int) (end - begin));
        int i = tail.lastIndexOf("startxref");
        if (i < 0) {
            return -1;
        }
        Matcher m = Pattern.compile("^\\s*(\\d+)").matcher(tail.substring(i + 9));
        return m.find() ? offset(m.group(1), -1) : -1;
    }

    /** A byte offset written in the file; {@code tooLong} when it has more digits than a long holds. */
    private static long offset(String digits, long tooLong) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return tooLong;
        }
    }

    /** The section at {@code at} with its /Prev (Long.MIN_VALUE when it has none); null when there is none. */
    private static Section section(RandomAccessFile raf, long at, long end) throws IOException {
        String head = read(raf, at, (int) Math.min(WINDOW, end - at)).stripLeading();
        if (head.startsWith("xref")) {
            long trailer = find(raf, at, end, "trailer");
            if (trailer < 0) {
                return null;
            }
            String dict = read(raf, trailer, (int) Math.min(WINDOW, end - trailer));
            int stop = dict.indexOf("startxref");
            return new Section(prev(stop < 0 ? dict : dict.substring(0, stop)));
        }
        if (OBJECT_HEADER.matcher(head).find()) {
            int stream = head.indexOf("stream");
            String dict = stream < 0 ? head : head.substring(0, stream);
            if (!dict.matches("(?s).*/Type\\s*/XRef\\b.*")) {
                return null;
            }
            return new Section(prev(dict));
        }
        return null;
    }

    private static long prev(String dict) {
        Matcher m = PREV.matcher(dict);
        return m.find() ? offset(m.group(1), Long.MAX_VALUE) : Long.MIN_VALUE;
    }

    /** Offset of the first {@code word} at or after {@code from} and before {@code end}; -1 when none. */
    private static long find(RandomAccessFile raf, long from, long end, String word) throws IOException {
        byte[] w = word.getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[1 << 16];
        long pos = from;
        while (pos < end) {
            int n = (int) Math.min(buf.length, end - pos);
            raf.seek(pos);
            raf.readFully(buf, 0, n);
            int i = PdfFiles.indexOf(java.util.Arrays.copyOf(buf, n), w, 0);
            if (i >= 0) {
                return pos + i;
            }
            if (pos + n >= end) {
                break;
            }
            pos += n - w.length;
        }
        return -1;
    }

    private static String read(RandomAccessFile raf, long at, int length) throws IOException {
        byte[] b = new byte[Math.max(0, length)];
        raf.seek(at);
        raf.readFully(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String ranges(List<Integer> numbers) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(numbers.get(i));
            if (j > i) {
                sb.append(j == i + 1 ? ", " : "–").append(numbers.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
