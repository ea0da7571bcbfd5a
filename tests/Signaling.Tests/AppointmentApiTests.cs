using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Doctolib.Telehealth.Signaling.Tests.Support;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class AppointmentApiTests : IAsyncLifetime
{
    private TelehealthApp app = null!;
    private HttpClient scheduler = null!;

    public async Task InitializeAsync()
    {
        app = await TelehealthApp.StartAsync();
        scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler"));
    }

    public async Task DisposeAsync()
    {
        scheduler.Dispose();
        await app.DisposeAsync();
    }

    private static object Body(string currency = "EUR") => new
    {
        practitionerId = "pr-1",
        patientId = "pa-1",
        startsAt = "2026-11-23T09:30:00+01:00",
        durationMinutes = 20,
        price = new { amount = 2500, currency },
        payer = new { type = "third_party", insurerReference = "CPAM-75-123" },
    };

    [Fact]
    public async Task Put_SameBodyTwice_IsOneAppointment()
    {
        var id = Guid.NewGuid();
        var first = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", Body());
        var second = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", Body());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await using var db = await app.DatabaseAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM rooms.appointments WHERE id = $1", db) { Parameters = { new() { Value = id } } };
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        var stored = await scheduler.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}");
        Assert.Equal("2026-11-23T08:30:00+00:00", stored.GetProperty("startsAt").GetString());
        Assert.Equal("third_party", stored.GetProperty("payer").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Put_ChangedBody_UpdatesTheAppointment()
    {
        var id = Guid.NewGuid();
        await scheduler.PutAsJsonAsync($"/api/appointments/{id}", Body());
        var changed = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", Body("JPY"));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var stored = await scheduler.GetFromJsonAsync<JsonElement>($"/api/appointments/{id}");
        Assert.Equal("JPY", stored.GetProperty("price").GetProperty("currency").GetString());
    }

    [Theory]
    [InlineData("{}", "practitionerId")]
    [InlineData("""{"practitionerId":"p","patientId":"q","startsAt":"2026-11-23T09:30:00Z","durationMinutes":20,"price":{"amount":-1,"currency":"EUR"},"payer":{"type":"card","stripeCustomerId":"c","paymentMethodId":"m"}}""", "price.amount")]
    [InlineData("""{"practitionerId":"p","patientId":"q","startsAt":"2026-11-23T09:30:00Z","durationMinutes":20,"price":{"amount":1,"currency":"EURO"},"payer":{"type":"card","stripeCustomerId":"c","paymentMethodId":"m"}}""", "price.currency")]
    [InlineData("""{"practitionerId":"p","patientId":"q","startsAt":"2026-11-23T09:30:00Z","durationMinutes":20,"price":{"amount":1,"currency":"EUR"},"payer":{"type":"card","stripeCustomerId":"c"}}""", "payer.paymentMethodId")]
    [InlineData("""{"practitionerId":"p","patientId":"q","startsAt":"2026-11-23T09:30:00Z","durationMinutes":20,"price":{"amount":1,"currency":"EUR"},"payer":{"type":"cash"}}""", "payer.type")]
    [InlineData("""{"practitionerId":"p","patientId":"q","startsAt":"2026-11-23T09:30:00Z","durationMinutes":0,"price":{"amount":1,"currency":"EUR"},"payer":{"type":"third_party","insurerReference":"x"}}""", "durationMinutes")]
    public async Task Put_InvalidBody_IsAProblemNamingTheField(string json, string field)
    {
        var response = await scheduler.PutAsync($"/api/appointments/{Guid.NewGuid()}", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:telehealth:problem:invalid-appointment", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Put_NotJson_IsAProblem()
    {
        var response = await scheduler.PutAsync($"/api/appointments/{Guid.NewGuid()}", new StringContent("{\"practitionerId\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:telehealth:problem:invalid-json", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("patient")]
    [InlineData("practitioner")]
    [InlineData("billing")]
    public async Task Put_ByAnotherRole_IsForbidden(string role)
    {
        using var other = app.Http(app.Tokens.Issue("x", role));
        var response = await other.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", Body());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Delete_UnknownAppointment_IsNotFound()
    {
        var response = await scheduler.DeleteAsync($"/api/appointments/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
