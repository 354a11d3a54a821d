package dev.patchbay.server.blobs;

import java.io.IOException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 client of a blob store: credentials, the HTTP client, and the start-up check of the bucket (ADR 0112). */
final class S3Connection {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Connection() {
    }

    /** Explicit keys, else the profile, else the AWS SDK's default chain (environment, profile, roles). */
    static AwsCredentialsProvider credentials(S3Settings settings) {
        S3Settings.Keys k = settings.keys();
        if (k != null) {
            return StaticCredentialsProvider.create(k.sessionToken() == null
                    ? AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())
                    : AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken()));
        }
        return settings.profile() != null ? ProfileCredentialsProvider.create(settings.profile())
                : DefaultCredentialsProvider.builder().build();
    }

    static S3Client client(S3Settings settings, AwsCredentialsProvider credentials) throws IOException {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // Checksums only where the API requires them: S3-compatible servers differ in the newer trailing
                // checksums; every piece carries Content-MD5 instead, and blobs are verified by their SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        try {
            return b.build();
        } catch (SdkException e) {
            throw new IOException("Cannot set up the S3 client for " + settings.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The bucket exists, the credentials are accepted, and a small object can be written and deleted. */
    static void check(S3Client s3, S3Settings settings) throws IOException {
        String where = settings.describe();
        try {
            s3.headBucket(r -> r.bucket(settings.bucket()));
            String probe = settings.key(".patchbay-probe");
            s3.putObject(r -> r.bucket(settings.bucket()).key(probe).contentLength(0L), RequestBody.empty());
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(probe));
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 404) {
                throw new IOException("Bucket '" + settings.bucket() + "' does not exist at " + where
                        + "; create it first", e);
            }
            if (status == 403 || status == 401) {
                throw new IOException("S3 refused access to " + where + " (HTTP " + status + " " + code(e)
                        + "): check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile)"
                        + " and that they may read, write and delete in the bucket", e);
            }
            throw new IOException("S3 answered HTTP " + status + " " + code(e) + " for " + where, e);
        } catch (SdkClientException e) {
            throw new IOException("Cannot use " + where + ": " + e.getMessage(), e);
        }
    }

    static String code(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }
}
