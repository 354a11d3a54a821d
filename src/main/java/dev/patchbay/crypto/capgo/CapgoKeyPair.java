package dev.patchbay.crypto.capgo;

import dev.patchbay.crypto.CryptoException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The reference plugin's RSA-2048 key pair (its CLI's {@code key create}): the private half stays with the
 * publisher and "encrypts" (RSA PKCS#1 v1.5 block type 1 on raw bytes), the public half is compiled into the app
 * ({@code plugins.CapacitorUpdater.publicKey}) and recovers. PEM files are PKCS#1 ({@code RSA PRIVATE KEY} /
 * {@code RSA PUBLIC KEY}) as the plugin's tooling writes them; PKCS#8 / X.509 PEMs are read too.
 */
public final class CapgoKeyPair {
    /** The only size the plugin accepts (iOS decrypts exactly 256-byte blocks). */
    public static final int BITS = 2048;

    private final RSAPublicKey publicKey;
    private final RSAPrivateCrtKey privateKey;

    private CapgoKeyPair(RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static CapgoKeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(BITS, RSAKeyGenParameterSpec.F4));
            KeyPair kp = g.generateKeyPair();
            return new CapgoKeyPair((RSAPublicKey) kp.getPublic(), (RSAPrivateCrtKey) kp.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /** A pair from the private key's PEM (PKCS#1 or PKCS#8); {@code name} names it in messages. */
    public static CapgoKeyPair fromPrivatePem(String pem, String name) {
        byte[] der;
        String type = pemType(pem, name);
        der = pemBody(pem, name);
        try {
            byte[] pkcs8 = switch (type) {
                case "RSA PRIVATE KEY" -> new PrivateKeyInfo(new AlgorithmIdentifier(
                        PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(der)).getEncoded();
                case "PRIVATE KEY" -> der;
                default -> throw new CryptoException(name + " is a " + type + ", not an RSA private key");
            };
            PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            if (!(k instanceof RSAPrivateCrtKey crt)) {
                throw new CryptoException(name + " lacks the public exponent (not a full RSA private key)");
            }
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            requireSize(pub, name);
            return new CapgoKeyPair(pub, crt);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new CryptoException(name + " is not a valid RSA private key PEM: " + e.getMessage());
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** A public key from its PEM (PKCS#1 {@code RSA PUBLIC KEY} or X.509 {@code PUBLIC KEY}). */
    public static RSAPublicKey publicFromPem(String pem, String name) {
        String type = pemType(pem, name);
        byte[] der = pemBody(pem, name);
        try {
            byte[] x509 = switch (type) {
                case "RSA PUBLIC KEY" -> new SubjectPublicKeyInfo(new AlgorithmIdentifier(
                        PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der)).getEncoded();
                case "PUBLIC KEY" -> der;
                default -> throw new CryptoException(name + " is a " + type + ", not an RSA public key");
            };
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(x509));
            if (!(k instanceof RSAPublicKey rsa)) {
                throw new CryptoException(name + " is not an RSA public key");
            }
            requireSize(rsa, name);
            return rsa;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new CryptoException(name + " is not a valid RSA public key PEM: " + e.getMessage());
        }
    }

    private static void requireSize(RSAPublicKey k, String name) {
        if (k.getModulus().bitLength() != BITS) {
            throw new CryptoException(name + " is a " + k.getModulus().bitLength() + "-bit RSA key; the plugin"
                    + " only handles " + BITS + "-bit keys");
        }
    }

    private static String pemType(String pem, String name) {
        String s = pem == null ? "" : pem.strip();
        int end = s.indexOf("-----", 11);
        if (!s.startsWith("-----BEGIN ") || end < 0) {
            throw new CryptoException(name + " is not a PEM file (no -----BEGIN line)");
        }
        return s.substring(11, end);
    }

    private static byte[] pemBody(String pem, String name) {
        String body = body(pem);
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new CryptoException(name + " is damaged (its PEM body is not base64)");
        }
    }

    /** The base64 body of a PEM: without its BEGIN/END lines and without any whitespace. */
    static String body(String pem) {
        StringBuilder b = new StringBuilder();
        for (String line : pem.strip().split("\\R")) {
            if (!line.startsWith("-----")) {
                b.append(line.replaceAll("\\s", ""));
            }
        }
        return b.toString();
    }

    private static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    /** The private key as PKCS#1 PEM ({@code .capgo_key_v2}). Secret: write it only encrypted or to the user. */
    public String privatePem() {
        try {
            return pem("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(privateKey.getEncoded()).parsePrivateKey()
                    .toASN1Primitive().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as PKCS#1 PEM ({@code .capgo_key_v2.pub}, the value of {@code publicKey} in the config). */
    public String publicPem() {
        return publicPem(publicKey);
    }

    public static String publicPem(RSAPublicKey key) {
        try {
            return pem("RSA PUBLIC KEY", SubjectPublicKeyInfo.getInstance(key.getEncoded()).parsePublicKey()
                    .toASN1Primitive().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plugin's {@code key_id}: the first 20 characters of the public PEM's body. */
    public String keyId() {
        return keyId(publicKey);
    }

    public static String keyId(RSAPublicKey key) {
        return body(publicPem(key)).substring(0, 20);
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    /** Same key pair (the modulus and exponents match). */
    public boolean sameAs(CapgoKeyPair other) {
        BigInteger n = publicKey.getModulus();
        return n.equals(other.publicKey.getModulus()) && privateKey.getPrivateExponent()
                .equals(other.privateKey.getPrivateExponent());
    }
}
