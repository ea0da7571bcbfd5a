using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Doctolib.Telehealth.Signaling.Tests.Support;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Bad input over HTTP is a 4xx with our problem type and, where there is one, the parameter's name; never a
/// 5xx. Each probe runs in Development (where the framework throws on bad requests) and in Production.</summary>
public abstract class BadInputTests(string environment) : IAsyncLifetime
{
    private TelehealthApp app = null!;
    private HttpClient billing = null!;
    private HttpClient scheduler = null!;
    private HttpClient practitioner = null!;

    public async Task InitializeAsync()
    {
        app = await TelehealthApp.StartAsync(environment: environment);
        billing = app.Http(app.Tokens.Issue("b-1", "billing"));
        scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler"));
        practitioner = app.Http(app.Tokens.Issue("pr-1", "practitioner"));
    }

    public async Task DisposeAsync()
    {
        billing.Dispose();
        scheduler.Dispose();
        practitioner.Dispose();
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/billing/charges?limit=abc", "limit")]
    [InlineData("/api/billing/charges?offset=1e3", "offset")]
    [InlineData("/api/billing/charges?from=notadate", "from")]
    [InlineData("/api/billing/charges?to=2026-13-45", "to")]
    [InlineData("/api/billing/charges?needsAttention=maybe", "needsAttention")]
    [InlineData("/api/billing/charges/export.csv?from=yesterday", "from")]
    [InlineData("/api/billing/reconciliations?limit=ten", "limit")]
    [InlineData("/api/billing/reconciliations/00000000-0000-0000-0000-000000000001?all=perhaps", "all")]
    public async Task Query_ThatDoesNotBind_Is400NamingTheParameter(string path, string parameter)
    {
        var problem = await AssertProblemAsync(await billing.GetAsync(path), HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("2026-13-45", "invalid-parameter")]
    [InlineData("9999-12-31", "invalid-parameter")]
    [InlineData("0001-01-01", "invalid-parameter")]
    public async Task PractitionerDay_ThatIsNotAUsableDate_Is400(string date, string code)
    {
        await AssertProblemAsync(await practitioner.GetAsync($"/api/practitioner/appointments?date={date}"), HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task PractitionerDay_ThatIsFine_Is200()
    {
        Assert.Equal(HttpStatusCode.OK, (await practitioner.GetAsync("/api/practitioner/appointments?date=2026-12-01")).StatusCode);
    }

    [Theory]
    [InlineData("""{"amount":1.5,"reason":"x"}""", "amount")]
    [InlineData("""{"amount":1e20,"reason":"x"}""", "amount")]
    [InlineData("""{"amount":null,"reason":"x"}""", "amount")]
    [InlineData("""{"amount":"ten","reason":"x"}""", "amount")]
    [InlineData("""{"amount":100,"reason":"a\u0000b"}""", "reason")]
    public async Task RefundBody_ThatDoesNotBind_Is400NamingTheField(string json, string field)
    {
        var response = await billing.PostAsync($"/api/billing/charges/{Guid.NewGuid()}/refunds", Json(json));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Equal(field, problem.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("/api/billing/charges/{0}/refunds", "{\"amount\":")]
    [InlineData("/api/billing/charges/{0}/refunds", "[1,2]")]
    [InlineData("/api/billing/reconciliations", "{\"payoutId\":")]
    [InlineData("/api/billing/reconciliations", "{\"from\":\"notadate\"}")]
    [InlineData("/dev/tokens", "{\"sub\":")]
    public async Task MalformedBody_Is400InvalidJson(string path, string json)
    {
        if (path == "/dev/tokens" && environment == "Production")
        {
            return;
        }
        var response = await billing.PostAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, Guid.NewGuid()), Json(json));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-json");
    }

    [Fact]
    public async Task RefundWithoutBody_Is400()
    {
        var response = await billing.PostAsync($"/api/billing/charges/{Guid.NewGuid()}/refunds", Json(""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public async Task RefundReason_OverItsLimit_Is400()
    {
        var response = await billing.PostAsJsonAsync($"/api/billing/charges/{Guid.NewGuid()}/refunds", new { amount = 100, reason = new string('r', 501) });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "refund-reason-too-long");
    }

    [Fact]
    public async Task PayoutId_OverItsLimit_Is400()
    {
        var response = await billing.PostAsJsonAsync("/api/billing/reconciliations", new { payoutId = new string('p', 300) });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-payout-id");
    }

    [Theory]
    [InlineData(5 * 1024 * 1024)]
    [InlineData(100 * 1024)]
    public async Task Body_OverTheLimit_Is413(int size)
    {
        var refund = await billing.PostAsJsonAsync($"/api/billing/charges/{Guid.NewGuid()}/refunds", new { amount = 100, reason = new string('r', size) });
        await AssertProblemAsync(refund, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        var payout = await billing.PostAsJsonAsync("/api/billing/reconciliations", new { payoutId = new string('p', size) });
        await AssertProblemAsync(payout, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        var appointment = await scheduler.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", Appointment(patientName: new string('n', size)));
        await AssertProblemAsync(appointment, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Theory]
    [InlineData("patientName", 201)]
    [InlineData("practitionerId", 129)]
    [InlineData("patientId", 10_000)]
    [InlineData("patientEmail", 300)]
    public async Task AppointmentField_OverItsLimit_Is400NamingIt(string field, int length)
    {
        var value = field == "patientEmail" ? new string('e', length) + "@example.org" : new string('x', length);
        var body = Appointment(
            practitionerId: field == "practitionerId" ? value : "pr-1",
            patientId: field == "patientId" ? value : "pa-1",
            patientName: field == "patientName" ? value : null,
            patientEmail: field == "patientEmail" ? value : null);
        var problem = await AssertProblemAsync(await scheduler.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", body),
            HttpStatusCode.BadRequest, "invalid-appointment");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Fact]
    public async Task AppointmentField_WithNul_Is400()
    {
        var response = await scheduler.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", Appointment(patientName: "Ann\u0000e"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-json");
        Assert.Contains("patientName", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppointmentId_WithANewline_Is400()
    {
        var response = await scheduler.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", Appointment(patientId: "pa-1\nINFO forged line"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-appointment");
        Assert.True(problem.GetProperty("errors").TryGetProperty("patientId", out _));
    }

    [Theory]
    [InlineData("/api/billing/charges?practitionerId=pr%001", "practitionerId")]
    [InlineData("/api/billing/charges?status=captured%0A", "status")]
    public async Task QueryValue_WithAControlCharacter_Is400(string path, string parameter)
    {
        var problem = await AssertProblemAsync(await billing.GetAsync(path), HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task QueryValue_OverItsLimit_Is400()
    {
        var response = await billing.GetAsync($"/api/billing/charges?practitionerId={new string('p', 100_000)}");
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        await AssertProblemAsync(response, response.StatusCode, null);
    }

    [Fact]
    public async Task ChargeFilter_WithANonUtcOffset_Is200()
    {
        Assert.Equal(HttpStatusCode.OK, (await billing.GetAsync("/api/billing/charges?from=2026-01-01T00:00:00%2B01:00&to=2026-02-01T00:00:00-05:00")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await billing.GetAsync("/api/billing/charges/export.csv?from=2026-01-01T00:00:00%2B01:00")).StatusCode);
    }

    [Fact]
    public async Task AppointmentAsTextPlain_Is415()
    {
        var body = new StringContent(JsonSerializer.Serialize(Appointment()), Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await scheduler.PutAsync($"/api/appointments/{Guid.NewGuid()}", body), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task RefundAsTextPlain_Is415()
    {
        var body = new StringContent("""{"amount":100,"reason":"x"}""", Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await billing.PostAsync($"/api/billing/charges/{Guid.NewGuid()}/refunds", body), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Theory]
    [InlineData("GET", "/api/billing/charges/not-a-guid", HttpStatusCode.NotFound, "not-found")]
    [InlineData("GET", "/api/appointments/12345", HttpStatusCode.NotFound, "not-found")]
    [InlineData("GET", "/visit/not-a-guid", HttpStatusCode.NotFound, "not-found")]
    [InlineData("GET", "/no/such/page", HttpStatusCode.NotFound, "not-found")]
    [InlineData("PUT", "/api/practitioner/appointments", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    [InlineData("POST", "/api/billing/charges", HttpStatusCode.MethodNotAllowed, "method-not-allowed")]
    public async Task RouteMiss_CarriesOurType(string method, string path, HttpStatusCode status, string code)
    {
        await AssertProblemAsync(await billing.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), status, code);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static object Appointment(string practitionerId = "pr-1", string patientId = "pa-1", string? patientName = null, string? patientEmail = null) => new
    {
        practitionerId,
        patientId,
        startsAt = DateTimeOffset.UtcNow,
        durationMinutes = 20,
        price = new { amount = 2500, currency = "EUR" },
        payer = new { type = "card", stripeCustomerId = "cus_1", paymentMethodId = "pm_1" },
        patientName,
        patientEmail,
    };

    /// <summary>Asserts a 4xx with problem details of our type (the given code, or any of ours when null).</summary>
    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        var type = problem.GetProperty("type").GetString();
        if (code is null)
        {
            Assert.StartsWith("urn:telehealth:problem:", type, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal($"urn:telehealth:problem:{code}", type);
        }
        return problem;
    }
}

public sealed class BadInputInDevelopmentTests() : BadInputTests("Development");

public sealed class BadInputInProductionTests() : BadInputTests("Production");
