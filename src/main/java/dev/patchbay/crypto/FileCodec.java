package dev.patchbay.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;
import java.util.zip.Inflater;

/**
 * How a file's bytes are encoded before they are encrypted (bundle-format §5.1, ADR 0080): raw deflate (RFC 1951,
 * level 9, java.util.zip, present on every Android) or nothing. Streaming both ways; the decoder never writes more
 * than the manifest's size, so a small blob cannot expand into a bomb.
 */
public enum FileCodec {
    NONE("none"),
    DEFLATE("deflate");

    /** Extensions whose content is already compressed: deflate would only cost time. */
    private static final Set<String> COMPRESSED = Set.of("png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "woff",
            "woff2", "gz", "br", "zst", "zip", "jar", "mp3", "mp4", "m4a", "webm", "ogg", "pdf", "7z", "xz");
    /** Files smaller than this are stored as they are (the deflate stream would barely pay for itself). */
    static final long MIN_SIZE = 256;

    private final String id;

    FileCodec(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static FileCodec of(String id, String what) {
        for (FileCodec c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new CryptoException(what + " names an unknown codec \"" + id + "\"");
    }

    /** The codec worth trying for a file: none for small and already-compressed files, deflate otherwise. */
    public static FileCodec forFile(String path, long size) {
        if (size < MIN_SIZE) {
            return NONE;
        }
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return COMPRESSED.contains(ext) ? NONE : DEFLATE;
    }

    /** The encoded form of {@code in}, read as a stream (closing it ends the deflater). */
    InputStream encode(InputStream in) {
        if (this == NONE) {
            return in;
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        return new DeflaterInputStream(in, deflater, 1 << 16) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    deflater.end();
                }
            }
        };
    }

    /**
     * A stream that decodes what is written to it into {@code out} (not closed); at most {@code size} bytes may come
     * out, and {@link Decoder#finish()} checks that the encoded stream ended exactly.
     */
    Decoder decoder(OutputStream out, long size, String what) {
        return new Decoder(this, out, size, what);
    }

    /** Streaming decoder; memory is one 64 KiB buffer and the inflater's 32 KiB window. */
    static final class Decoder extends OutputStream {
        private final FileCodec codec;
        private final OutputStream out;
        private final long max;
        private final String what;
        private final Inflater inflater;
        private final byte[] buf;
        private long written;

        Decoder(FileCodec codec, OutputStream out, long max, String what) {
            this.codec = codec;
            this.out = out;
            this.max = max;
            this.what = what;
            this.inflater = codec == DEFLATE ? new Inflater(true) : null;
            this.buf = codec == DEFLATE ? new byte[1 << 16] : null;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            if (codec == NONE) {
                emit(b, off, len);
                return;
            }
            if (inflater.finished()) {
                throw new CryptoException(what + ": data follows the end of the deflate stream");
            }
            inflater.setInput(b, off, len);
            drain();
        }

        private void drain() throws IOException {
            try {
                while (!inflater.needsInput() && !inflater.finished()) {
                    int n = inflater.inflate(buf);
                    if (n > 0) {
                        emit(buf, 0, n);
                    } else if (inflater.needsDictionary()) {
                        throw new CryptoException(what + ": the deflate stream asks for a dictionary");
                    } else if (!inflater.needsInput() && !inflater.finished()) {
                        throw new CryptoException(what + ": the deflate stream is damaged");
                    }
                }
                if (inflater.finished() && inflater.getRemaining() > 0) {
                    throw new CryptoException(what + ": data follows the end of the deflate stream");
                }
            } catch (DataFormatException e) {
                throw new CryptoException(what + ": the deflate stream is damaged (" + e.getMessage() + ")");
            }
        }

        private void emit(byte[] b, int off, int len) throws IOException {
            if (written + len > max) {
                throw new CryptoException(what + " decodes to more than its manifest size " + max);
            }
            out.write(b, off, len);
            written += len;
        }

        /** Ends decoding: the deflate stream must be complete. Returns the decoded length. */
        long finish() {
            try {
                if (codec == DEFLATE && !inflater.finished()) {
                    throw new CryptoException(what + ": the deflate stream is truncated");
                }
                return written;
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (inflater != null) {
                inflater.end();
            }
        }
    }
}
