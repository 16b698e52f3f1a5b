package org.hsmkit.testdata.schsm;

/** Response data and status word of one command. */
record Response(byte[] data, int sw) {
    static Response ok(byte[] data) {
        return new Response(data, Sw.OK);
    }

    static Response ok() {
        return new Response(new byte[0], Sw.OK);
    }

    static Response status(int sw) {
        return new Response(new byte[0], sw);
    }

    byte[] encoded() {
        byte[] out = new byte[data.length + 2];
        System.arraycopy(data, 0, out, 0, data.length);
        out[data.length] = (byte) (sw >>> 8);
        out[data.length + 1] = (byte) sw;
        return out;
    }
}
