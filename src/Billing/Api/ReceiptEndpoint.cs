using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Doctolib.Telehealth.Billing.Amounts;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary><c>GET /api/billing/receipts/{appointmentId}?lang=fr|en&amp;tz={IANA zone}</c>: the patient's own receipt as
/// an HTML page in their language (role patient), with the practitioner's and patient's names when the scheduling
/// system gave them, words instead of codes, and a print stylesheet so that the browser's "Save as PDF" makes its PDF.
/// Another patient's receipt is answered like a missing one, so its existence is not revealed.</summary>
internal static class ReceiptEndpoint
{
    /// <summary>Encodes markup characters only, so that "Reçu" stays readable in the page source.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/billing/receipts/{appointmentId:guid}", async (Guid appointmentId, string? lang, string? tz, HttpRequest request,
            ClaimsPrincipal user, ChargeQueries queries, IServiceProvider services, CancellationToken ct) =>
        {
            var charge = await queries.GetByAppointmentAsync(appointmentId, ct);
            if (charge is null || charge.PatientId != user.FindFirst("sub")?.Value)
            {
                return Problems.Of(404, "receipt-not-found", "No receipt for this appointment.");
            }
            if (charge.CapturedAmount == 0 && charge.Status is not (ChargeStatus.ClaimRecorded or ChargeStatus.RemittanceReceived))
            {
                return Problems.Of(409, "receipt-not-available", "This consultation has not been paid.", $"Payment status: {charge.Status}.");
            }
            var appointment = services.GetService<IAppointments>() is { } reader ? await reader.GetAsync(new AppointmentId(appointmentId), ct) : null;
            var text = ReceiptText.For(lang, request.Headers.AcceptLanguage.ToString());
            var zone = Zone(tz);
            var when = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(charge.EndedAt ?? charge.CreatedAt, DateTimeKind.Utc)), zone);
            var paid = charge.PayerType == "card" ? charge.CapturedAmount : charge.Amount;
            string E(string? value) => Html.Encode(value ?? "");
            string Money(long minor) => E(Format(minor, charge.Currency, text));
            var origin = $"{request.Scheme}://{request.Host}";
            var html = $"""
                <!doctype html>
                <html lang="{text.Lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{E(text.Title)} — {E(FormatDate(when, text))}</title>
                <link rel="stylesheet" href="{E(origin)}/receipt.css"></head>
                <body>
                <article class="receipt">
                <header><span class="brand">{E(text.Brand)}</span><h1>{E(text.Title)}</h1></header>
                <dl>
                <dt>{E(text.Date)}</dt><dd>{E(FormatDate(when, text))}</dd>
                <dt>{E(text.Practitioner)}</dt><dd>{E(appointment?.PractitionerName ?? charge.PractitionerId)}</dd>
                {(appointment?.PatientName is { } patient ? $"<dt>{E(text.Patient)}</dt><dd>{E(patient)}</dd>" : "")}
                <dt>{E(text.Amount)}</dt><dd>{Money(charge.Amount)}</dd>
                {(charge.RefundedAmount > 0 ? $"<dt>{E(text.Refunded)}</dt><dd>{Money(charge.RefundedAmount)}</dd>" : "")}
                <dt>{E(text.Paid)}</dt><dd class="total">{Money(paid - charge.RefundedAmount)}</dd>
                <dt>{E(text.Payer)}</dt><dd>{E(charge.PayerType == "card" ? text.Card : text.Insurer)}</dd>
                <dt>{E(text.Status)}</dt><dd>{E(text.StatusName(charge.Status))}</dd>
                <dt>{E(text.Reference)}</dt><dd class="reference">{charge.AppointmentId:D}</dd>
                </dl>
                <p class="note">{E(text.Footer)}</p>
                <p class="note screen">{E(text.PrintHint)}</p>
                </article>
                </body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        }).RequireAuthorization(p => p.RequireRole("patient"));

    private static TimeZoneInfo Zone(string? tz)
    {
        if (tz is { Length: > 0 and < 64 })
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(tz);
            }
            catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return TimeZoneInfo.Utc;
            }
        }
        return TimeZoneInfo.Utc;
    }

    /// <summary>Minor units in the patient's number format ("1 234,50 €" or "€1,234.50"), exactly. The server runs with
    /// invariant globalization, so the two formats are written here.</summary>
    private static string Format(long minor, string currency, ReceiptText text)
    {
        var digits = Currencies.MinorDigits(currency);
        var divisor = 1L;
        for (var i = 0; i < digits; i++)
        {
            divisor *= 10;
        }
        var sign = minor < 0 ? "-" : "";
        var whole = Math.Abs(minor / divisor).ToString("#,0", CultureInfo.InvariantCulture);
        var fraction = digits == 0 ? "" : Math.Abs(minor % divisor).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        var symbol = currency.ToUpperInvariant() switch { "EUR" => "€", "GBP" => "£", "USD" => "$", "CHF" => "CHF", var other => other };
        return text.Lang == "fr"
            ? $"{sign}{whole.Replace(",", "\u202f", StringComparison.Ordinal)}{(digits == 0 ? "" : "," + fraction)}\u00a0{symbol}"
            : symbol.Length == 1 ? $"{sign}{symbol}{whole}{(digits == 0 ? "" : "." + fraction)}" : $"{sign}{whole}{(digits == 0 ? "" : "." + fraction)} {symbol}";
    }

    /// <summary>"1 décembre 2026, 21:02" or "1 December 2026, 21:02".</summary>
    private static string FormatDate(DateTimeOffset when, ReceiptText text) =>
        $"{when.Day} {text.Months[when.Month - 1]} {when.Year}, {when:HH':'mm}";
}
