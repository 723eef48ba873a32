namespace InfluenceFunctions.Scoring;

/// <summary>The standard normal distribution: the common scale model v2 puts every signal on.</summary>
internal static class NormalDistribution
{
    private static readonly double[] ErfcCoefficients =
    [
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
    ];

    private static readonly double[] CentralNumerator = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] CentralDenominator = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155092442e+01, 1];
    private static readonly double[] TailNumerator = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] TailDenominator = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00, 1];

    /// <summary>P(Z &lt;= z). Complementary error function after Numerical Recipes (erfcc, relative error under 1.2e-7).</summary>
    public static double Cdf(double z)
    {
        var x = -z / Math.Sqrt(2);
        var t = 1 / (1 + (0.5 * Math.Abs(x)));

        // erfc(|x|) = t * exp(-x^2 + polynomial(t)), the polynomial's coefficients lowest power first.
        double polynomial = 0;
        for (var i = ErfcCoefficients.Length - 1; i >= 0; i--)
        {
            polynomial = (polynomial * t) + ErfcCoefficients[i];
        }

        var erfc = t * Math.Exp((-x * x) + polynomial);
        return 0.5 * (x >= 0 ? erfc : 2 - erfc);
    }

    /// <summary>The z with <see cref="Cdf"/>(z) = p (Acklam's rational approximation, relative error under 1.2e-9).</summary>
    public static double InverseCdf(double p)
    {
        if (!(p > 0))
        {
            return double.NegativeInfinity;
        }

        if (!(p < 1))
        {
            return double.PositiveInfinity;
        }

        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return Horner(TailNumerator, q) / Horner(TailDenominator, q);
        }

        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -Horner(TailNumerator, q) / Horner(TailDenominator, q);
        }

        var r = p - 0.5;
        var s = r * r;
        return Horner(CentralNumerator, s) * r / Horner(CentralDenominator, s);
    }

    /// <summary>A polynomial with its coefficients highest power first.</summary>
    private static double Horner(double[] coefficients, double x)
    {
        double value = 0;
        foreach (var c in coefficients)
        {
            value = (value * x) + c;
        }

        return value;
    }
}
