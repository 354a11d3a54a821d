package dev.patchbay.domain;

/**
 * The Wilson score interval of a failure rate: with {@code failures} out of {@code attempts}, the rate that is
 * exceeded with the given confidence. A rollout health policy compares its lower bound with a threshold, so a few
 * unlucky failures among few attempts do not stop a rollout, while a real regression does as soon as the evidence is
 * there.
 */
public final class WilsonBound {
    private WilsonBound() {
    }

    /**
     * The lower bound of the failure rate (0..1).
     *
     * @param confidence two-sided confidence, e.g. 0.95 (z = 1.96)
     */
    public static double lower(long failures, long attempts, double confidence) {
        if (attempts < 0 || failures < 0 || failures > attempts) {
            throw new IllegalArgumentException("failures " + failures + " of " + attempts + " attempts");
        }
        if (attempts == 0) {
            return 0.0;
        }
        double z = z(confidence);
        double n = attempts;
        double p = failures / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.max(0.0, (centre - margin) / (1 + z2 / n));
    }

    /** The two-sided normal quantile for a confidence in (0, 1) (Acklam's rational approximation, |error| < 1.2e-9). */
    static double z(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, not " + confidence);
        }
        return inverseNormal(1 - (1 - confidence) / 2);
    }

    private static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
