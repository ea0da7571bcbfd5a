using Doctolib.Telehealth.Billing.Amounts;

namespace Doctolib.Telehealth.Billing.Tests;

public sealed class CurrenciesTests
{
    [Theory]
    [InlineData(2500, "EUR", "25.00 EUR")]
    [InlineData(5, "eur", "0.05 EUR")]
    [InlineData(-1999, "USD", "-19.99 USD")]
    [InlineData(5000, "JPY", "5000 JPY")]
    [InlineData(12345, "KRW", "12345 KRW")]
    [InlineData(1250, "KWD", "1.250 KWD")]
    public void Format_MinorUnits_ExactText(long minor, string currency, string expected) =>
        Assert.Equal(expected, Currencies.Format(minor, currency));

    [Theory]
    [InlineData("JPY", 0)]
    [InlineData("EUR", 2)]
    [InlineData("BHD", 3)]
    public void MinorDigits_KnownCurrencies_MatchIso4217(string currency, int digits) =>
        Assert.Equal(digits, Currencies.MinorDigits(currency));
}
