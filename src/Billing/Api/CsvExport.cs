using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>CSV for billing staff's spreadsheets. A cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a
/// tab or a carriage return is neutralised (OWASP "CSV injection": prefixed with a single quote and quoted) so that a
/// spreadsheet never reads it as a formula; dates are ISO 8601 (round-trip "O", UTC).</summary>
internal static class CsvExport
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        InjectionCharacters = ['=', '+', '-', '@', '\t', '\r'],
        InjectionEscapeCharacter = '\'',
    };

    public static async Task<string> WriteAsync<T>(IEnumerable<T> records, CancellationToken cancellationToken)
    {
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var type in new[] { typeof(DateTimeOffset), typeof(DateTimeOffset?), typeof(DateTime), typeof(DateTime?) })
            {
                csv.Context.TypeConverterOptionsCache.GetOptions(type).Formats = ["O"];
            }
            await csv.WriteRecordsAsync(records, cancellationToken);
        }
        return text.ToString();
    }
}
