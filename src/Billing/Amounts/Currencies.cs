using System.Globalization;

namespace Doctolib.Telehealth.Billing.Amounts;

/// <summary>ISO 4217 minor-unit facts as Stripe applies them: amounts are always in the smallest unit, which is the
/// whole unit for zero-decimal currencies (JPY, KRW, …).</summary>
internal static class Currencies
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.OrdinalIgnoreCase) { "BHD", "JOD", "KWD", "OMR", "TND" };

    public static int MinorDigits(string currency) =>
        ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    public static bool IsValidCode(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetter);

    /// <summary>"25.00 EUR", "5000 JPY", "1.250 KWD": exact, from the integer, no floating point.</summary>
    public static string Format(long minorUnits, string currency)
    {
        var digits = MinorDigits(currency);
        var code = currency.ToUpperInvariant();
        if (digits == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{minorUnits} {code}");
        }
        var scale = digits == 3 ? 1000L : 100L;
        var sign = minorUnits < 0 ? "-" : "";
        var abs = Math.Abs(minorUnits);
        var fraction = (abs % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / scale}.{fraction} {code}");
    }

    public static string Format(Rooms.Money money) => Format(money.MinorUnits, money.Currency);

    /// <summary>Stripe wants lower-case currency codes.</summary>
    public static string ForStripe(string currency) => currency.ToLowerInvariant();
}
