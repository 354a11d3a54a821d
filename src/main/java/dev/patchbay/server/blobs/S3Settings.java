package dev.patchbay.server.blobs;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how blobs live in an S3-compatible bucket ({@code patchbay serve --blobs s3://BUCKET[/PREFIX]}, ADR 0112).
 *
 * @param bucket     bucket name
 * @param prefix     key prefix without a trailing slash ("" for the bucket's root)
 * @param endpoint   the S3 API's URL (https://s3.eu-central-1.amazonaws.com, http://127.0.0.1:9000), or {@code null}
 *                   for AWS's endpoint of {@code region}
 * @param region     signing region ({@code us-east-1} when not given; most S3-compatible servers accept any)
 * @param pathStyle  {@code https://host/BUCKET/key} instead of {@code https://BUCKET.host/key}
 * @param profile    a profile of the AWS shared config/credentials files, or {@code null} for the default chain
 *                   ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, then {@code AWS_PROFILE} or "default")
 * @param publicUrl  the URL devices fetch blobs under (a CDN in front of the bucket, or the bucket's public URL):
 *                   {@code <publicUrl>/<sha256>}, or a template with {@code {sha256}}; {@code null}: presigned URLs
 * @param urlExpiry  how long a presigned URL stays valid (when {@code publicUrl} is null)
 * @param keys       an access key given explicitly (the CLI passes {@code AWS_ACCESS_KEY_ID} and
 *                   {@code AWS_SECRET_ACCESS_KEY} of its environment), or {@code null} for the profile or default chain
 */
public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle, String profile,
                         String publicUrl, Duration urlExpiry, Keys keys) {
    /** An access key; {@link #toString()} never shows the secret. */
    public record Keys(String accessKeyId, String secretAccessKey, String sessionToken) {
        public Keys {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("an access key needs both its id and its secret");
            }
        }

        @Override
        public String toString() {
            return "Keys[" + accessKeyId + ", secret hidden]";
        }
    }

    public static final Duration DEFAULT_URL_EXPIRY = Duration.ofHours(1);
    public static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern LOCATION = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[^\\s?#]*)?");
    private static final Pattern URL = Pattern.compile("https?://[^\\s/?#]+(/[^\\s?#]*)?");

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the bucket is required");
        }
        prefix = prefix == null ? "" : strip(prefix);
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        if (!region.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("\"" + region + "\" is not a region name such as eu-central-1");
        }
        if (endpoint != null && !URL.matcher(endpoint.toString()).matches()) {
            throw new IllegalArgumentException("the S3 endpoint must be an http(s) URL such as https://s3.example.com,"
                    + " not " + endpoint);
        }
        if (publicUrl != null) {
            String t = publicUrl.contains("{sha256}") ? publicUrl
                    : (publicUrl.endsWith("/") ? publicUrl : publicUrl + "/") + "{sha256}";
            if (!URL.matcher(t.replace("{sha256}", "x")).matches()) {
                throw new IllegalArgumentException("the blob public URL must be an http(s) URL such as"
                        + " https://cdn.example.com/blobs, not " + publicUrl);
            }
            publicUrl = t;
        }
        urlExpiry = urlExpiry == null ? DEFAULT_URL_EXPIRY : urlExpiry;
        // SigV4 presigned URLs are valid for at most 7 days; below 5 minutes a device could not even start.
        if (urlExpiry.compareTo(Duration.ofMinutes(5)) < 0 || urlExpiry.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("the blob URL expiry must be between 5 minutes and 7 days, not "
                    + urlExpiry);
        }
    }

    /** Parses {@code s3://BUCKET[/PREFIX]}; the other settings keep their defaults. */
    public static S3Settings parse(String location) {
        Matcher m = LOCATION.matcher(location == null ? "" : location.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + location + "\" is not an S3 location such as s3://my-bucket or"
                    + " s3://my-bucket/patchbay (bucket names: 3-63 lower-case letters, digits, dots, hyphens)");
        }
        return new S3Settings(m.group(1), m.group(2), null, null, false, null, null, null, null);
    }

    public S3Settings withEndpoint(String url) {
        return new S3Settings(bucket, prefix, url == null ? null : URI.create(url.strip()), region, pathStyle, profile,
                publicUrl, urlExpiry, keys);
    }

    public S3Settings withRegion(String r) {
        return new S3Settings(bucket, prefix, endpoint, r, pathStyle, profile, publicUrl, urlExpiry, keys);
    }

    public S3Settings withPathStyle(boolean p) {
        return new S3Settings(bucket, prefix, endpoint, region, p, profile, publicUrl, urlExpiry, keys);
    }

    public S3Settings withProfile(String p) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyle, p, publicUrl, urlExpiry, keys);
    }

    public S3Settings withPublicUrl(String url) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyle, profile, url, urlExpiry, keys);
    }

    public S3Settings withUrlExpiry(Duration d) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyle, profile, publicUrl, d, keys);
    }

    public S3Settings withKeys(Keys k) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyle, profile, publicUrl, urlExpiry, k);
    }

    /** The object key of {@code name} under the prefix. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** For logs and errors: {@code s3://bucket/prefix at endpoint}. */
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (endpoint == null ? " (AWS, " + region + ")" : " at " + endpoint);
    }

    private static String strip(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
