using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>A patient completes a pending 3-D Secure through <c>POST /api/billing/payments/{id}/confirm</c>.</summary>
public sealed class PaymentConfirmationTests
{
    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("type").GetString()!;
    }

    private static async Task<Consultation> AwaitingThreeDSecureAsync(BillingApp app)
    {
        var c = Consultation.Card("pm_card_authenticationRequired");
        await app.DeliverAsync(c.Admitted(app.Time.GetUtcNow()));
        await app.RunWorkerAsync();
        Assert.Equal(ChargeStatus.RequiresAction, (await app.DataSource.ChargeAsync(c.Id.Value)).Status);
        return c;
    }

    [Fact]
    public async Task Confirm_LocalProviderOwnPatient_AuthorisedOnceOthersRefused()
    {
        await using var app = await BillingApp.StartAsync(localProvider: true);
        var c = await AwaitingThreeDSecureAsync(app);
        var path = $"/api/billing/payments/{c.Id.Value}/confirm";
        using var stranger = await app.ClientAsync("patient-someone-else", "patient");
        using var practitioner = await app.ClientAsync(c.Practitioner.Value, "practitioner");
        using var owner = await app.ClientAsync(c.Patient.Value, "patient");

        var other = await stranger.PostAsync(path, null);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("urn:telehealth:problem:payment-not-found", await ProblemTypeAsync(other));
        Assert.Equal(HttpStatusCode.Forbidden, (await practitioner.PostAsync(path, null)).StatusCode);
        Assert.Equal(ChargeStatus.RequiresAction, (await app.DataSource.ChargeAsync(c.Id.Value)).Status);

        for (var i = 0; i < 2; i++)
        {
            var own = await owner.PostAsync(path, null);
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("authorized", (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        await app.RunWorkerAsync();
        var charge = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Authorized, charge.Status);
        Assert.Equal([("authorized", 2500L)], await app.DataSource.LedgerAsync(c.Id.Value));
        Assert.Equal(1, await app.DataSource.CountAsync(
            "SELECT count(*) FROM billing.payment_attempts WHERE kind = 'confirm' AND status = 'succeeded' AND charge_id = @Id", new { charge.Id }));

        await app.DeliverAsync(c.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await app.RunWorkerAsync();
        Assert.Equal(ChargeStatus.Captured, (await app.DataSource.ChargeAsync(c.Id.Value)).Status);
        Assert.Equal(["authorized", "captured"], (await app.DataSource.LedgerAsync(c.Id.Value)).Select(l => l.Kind).Order().ToArray());
    }

    [Fact]
    public async Task Confirm_AfterTheEndWithCaptureWaiting_AuthorisedThenCapturedOnce()
    {
        await using var app = await BillingApp.StartAsync(localProvider: true);
        var c = await AwaitingThreeDSecureAsync(app);
        await app.DeliverAsync(c.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await app.RunWorkerAsync();
        Assert.Equal(ChargeStatus.CapturePending, (await app.DataSource.ChargeAsync(c.Id.Value)).Status);

        using var owner = await app.ClientAsync(c.Patient.Value, "patient");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/billing/payments/{c.Id.Value}/confirm", null)).StatusCode);
        await app.RunWorkerAsync();

        Assert.Equal(ChargeStatus.Captured, (await app.DataSource.ChargeAsync(c.Id.Value)).Status);
        Assert.Equal(["authorized", "captured"], (await app.DataSource.LedgerAsync(c.Id.Value)).Select(l => l.Kind).Order().ToArray());
    }

    [Fact]
    public async Task Confirm_WithStripe_409ConfirmInBrowserAndConfigSaysStripe()
    {
        await using var app = await BillingApp.StartAsync();
        var c = await AwaitingThreeDSecureAsync(app);
        using var owner = await app.ClientAsync(c.Patient.Value, "patient");

        var answer = await owner.PostAsync($"/api/billing/payments/{c.Id.Value}/confirm", null);
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Equal("urn:telehealth:problem:confirm-in-browser", await ProblemTypeAsync(answer));
        var config = await owner.GetFromJsonAsync<JsonElement>("/api/billing/config");
        Assert.Equal("stripe", config.GetProperty("provider").GetString());
        Assert.Equal("pk_test_billing", config.GetProperty("publishableKey").GetString());
    }

    [Fact]
    public async Task Config_LocalProvider_AnySignedInRoleAnonymous401()
    {
        await using var app = await BillingApp.StartAsync(localProvider: true);
        using var anonymous = await app.ClientAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/billing/config")).StatusCode);
        foreach (var role in new[] { "patient", "practitioner", "billing" })
        {
            using var client = await app.ClientAsync($"{role}-1", role);
            var config = await client.GetFromJsonAsync<JsonElement>("/api/billing/config");
            Assert.Equal("local", config.GetProperty("provider").GetString());
            Assert.Equal(JsonValueKind.Null, config.GetProperty("publishableKey").ValueKind);
        }
    }
}
