package dev.patchbay.crypto;

import java.util.Base64;
import java.util.regex.Pattern;

/** Strict encodings of the formats: b64 = base64url without padding, hex = lowercase. */
public final class Codec {
    private static final Pattern B64 = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]*");
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Codec() {
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Decodes b64; {@code what} names the field in the error. */
    public static byte[] unb64(String text, String what) {
        if (text == null || !B64.matcher(text).matches() || text.length() % 4 == 1) {
            throw new CryptoException(what + " is not base64url without padding");
        }
        try {
            byte[] out = Base64.getUrlDecoder().decode(text);
            if (!b64(out).equals(text)) {
                throw new CryptoException(what + " is not canonical base64url");
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new CryptoException(what + " is not base64url without padding");
        }
    }

    /** Decodes b64 and requires an exact length. */
    public static byte[] unb64(String text, int length, String what) {
        byte[] out = unb64(text, what);
        if (out.length != length) {
            throw new CryptoException(what + " must be " + length + " bytes, not " + out.length);
        }
        return out;
    }

    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    public static boolean isHex(String text, int chars) {
        return text != null && text.length() == chars && HEX.matcher(text).matches();
    }

    public static String requireHex(String text, int chars, String what) {
        if (!isHex(text, chars)) {
            throw new CryptoException(what + " must be " + chars + " lowercase hex characters");
        }
        return text;
    }

    /** A short form of a key id or digest for messages: first 8 characters and an ellipsis. */
    public static String shortId(String id) {
        return id == null ? "?" : id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }
}
