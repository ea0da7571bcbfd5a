using Doctolib.Telehealth.Billing.Api;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The CSV export neutralises cells a spreadsheet would read as a formula (OWASP CSV injection) and writes
/// dates in ISO 8601.</summary>
public sealed class CsvExportTests
{
    private sealed record Row(string Text, DateTimeOffset At, DateTimeOffset? EndedAt);

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public async Task Cell_StartingLikeAFormula_IsNeutralised(string text)
    {
        var csv = await CsvExport.WriteAsync([new Row(text, DateTimeOffset.UnixEpoch, null)], CancellationToken.None);
        var cell = csv.Split('\n')[1].Split(',')[0];
        Assert.StartsWith("\"'", cell, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainCell_IsKept()
    {
        var csv = await CsvExport.WriteAsync([new Row("pa-1", DateTimeOffset.UnixEpoch, null)], CancellationToken.None);
        Assert.StartsWith("pa-1,", csv.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dates_AreIso8601()
    {
        var at = new DateTimeOffset(2026, 12, 1, 20, 2, 7, TimeSpan.Zero);
        var csv = await CsvExport.WriteAsync([new Row("x", at, at.AddMinutes(20))], CancellationToken.None);
        Assert.Equal("x,2026-12-01T20:02:07.0000000+00:00,2026-12-01T20:22:07.0000000+00:00", csv.Split('\n')[1].TrimEnd('\r'));
    }
}
