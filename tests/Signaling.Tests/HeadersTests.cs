using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Serilog.Events;
using Serilog.Parsing;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Security headers on pages and API answers, no caching of patient or financial data, HSTS behind its key,
/// the practitioner's list without the payer's Stripe references, and a log that cannot be forged with a newline.</summary>
public sealed class HeadersTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync(environment: "Production");

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("/visit/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("/practitioner")]
    [InlineData("/billing")]
    public async Task Page_HasAStrictContentSecurityPolicyAndNoReferrer(string path)
    {
        using var http = app.Http();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("stripe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=(self)", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.Contains("microphone=(self)", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
    }

    [Theory]
    [InlineData("/visit/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("/practitioner")]
    [InlineData("/billing")]
    public async Task Page_AskedWithHead_AnswersItsHeadersLikeGet(string path)
    {
        using var http = app.Http();
        var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_RevalidatedWith304_KeepsItsOwnPolicy()
    {
        using var http = app.Http();
        var first = await http.GetAsync("/practitioner");
        var request = new HttpRequestMessage(HttpMethod.Get, "/practitioner");
        if (first.Headers.ETag is { } etag)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }
        request.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        Assert.True(first.Headers.ETag is not null || first.Content.Headers.LastModified is not null, "the page is revalidatable");
        var again = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.False(again.Headers.Contains("Content-Security-Policy"), "a 304 must not replace the cached page's policy");
    }

    [Theory]
    [InlineData("/api/practitioner/appointments", "practitioner")]
    [InlineData("/api/billing/charges", "billing")]
    [InlineData("/api/billing/charges/export.csv", "billing")]
    [InlineData("/api/billing/reconciliations", "billing")]
    public async Task ApiAnswer_IsNeverCached(string path, string role)
    {
        using var http = app.Http(app.Tokens.Issue("u-1", role));
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Refusal_IsNeverCachedEither()
    {
        using var http = app.Http();
        var response = await http.GetAsync("/api/billing/charges");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task Hsts_WhenConfigured_IsSent()
    {
        await using var behindTls = await TelehealthApp.StartAsync(environment: "Production",
            settings: new Dictionary<string, string> { ["Http:Hsts"] = "true" });
        using var http = behindTls.Http();
        var response = await http.GetAsync("/healthz");
        Assert.StartsWith("max-age=31536000", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PractitionerList_LeavesOutThePayersStripeReferences()
    {
        await app.CreateAppointmentAsync("pr-1", "pa-1");
        using var http = app.Http(app.Tokens.Issue("pr-1", "practitioner"));
        var text = await http.GetStringAsync("/api/practitioner/appointments");
        var list = JsonDocument.Parse(text).RootElement;
        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal("card", list[0].GetProperty("payer").GetProperty("type").GetString());
        Assert.DoesNotContain("cus_1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pm_1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stripeCustomerId", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulerView_StillHasThePayer()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        using var http = app.Http(app.Tokens.Issue("s-1", "scheduler"));
        var view = await http.GetFromJsonAsync<JsonElement>($"/api/appointments/{id.Value}");
        Assert.Equal("cus_1", view.GetProperty("payer").GetProperty("stripeCustomerId").GetString());
    }

    [Fact]
    public void LoggedValue_WithControlCharacters_IsEscaped()
    {
        var template = new MessageTemplateParser().Parse("Joined {ParticipantId}");
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, template,
            [new LogEventProperty("ParticipantId", new ScalarValue("pa-1\n[12:00:00 INF] forged\r\u001b[31m"))]);
        new ControlCharacterEscaper().Enrich(logEvent, null!);
        var rendered = logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain('\n', rendered);
        Assert.DoesNotContain('\r', rendered);
        Assert.DoesNotContain('\u001b', rendered);
        Assert.Contains("pa-1\\n[12:00:00 INF] forged\\r\\u001b[31m", rendered, StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"no {name} header");
}
