using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The billing staff API, receipts and who may call what, through the real HTTP pipeline.</summary>
public sealed class StaffApiTests : IAsyncLifetime
{
    private BillingApp app = null!;

    public async Task InitializeAsync() => app = await BillingApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("type").GetString()!;
    }

    private async Task<(Consultation C, Guid ChargeId)> CapturedAsync()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        return (c, (await app.DataSource.ChargeAsync(c.Id.Value)).Id);
    }

    [Theory]
    [InlineData("GET", "/api/billing/charges")]
    [InlineData("GET", "/api/billing/needs-attention")]
    [InlineData("GET", "/api/billing/charges/export.csv")]
    [InlineData("POST", "/api/billing/reconciliations")]
    [InlineData("GET", "/api/billing/reconciliations")]
    public async Task BillingEndpoints_ByRole_401WithoutToken403ForOthers200ForBilling(string method, string path)
    {
        HttpRequestMessage Request() => new(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(new { from = DateTimeOffset.UtcNow.AddDays(-1), to = DateTimeOffset.UtcNow.AddDays(1) }) : null,
        };
        using var anonymous = await app.ClientAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(Request())).StatusCode);
        foreach (var role in new[] { "patient", "practitioner", "scheduler" })
        {
            using var other = await app.ClientAsync($"{role}-1", role);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.SendAsync(Request())).StatusCode);
        }
        using var billing = await app.ClientAsync("billing-1", "billing");
        Assert.True((await billing.SendAsync(Request())).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Refund_ByPractitioner_Forbidden()
    {
        var (_, chargeId) = await CapturedAsync();
        using var practitioner = await app.ClientAsync("practitioner-1", "practitioner");
        var response = await practitioner.PostAsJsonAsync($"/api/billing/charges/{chargeId}/refunds", new { amount = 100, reason = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Stripe.Refunds);
    }

    [Fact]
    public async Task Refund_ByBilling_PartialsAddUpThenExcessIsAProblem()
    {
        var (_, chargeId) = await CapturedAsync();
        using var billing = await app.ClientAsync("billing-7", "billing");
        var first = await billing.PostAsJsonAsync($"/api/billing/charges/{chargeId}/refunds", new { amount = 1000, reason = "late start" });
        var second = await billing.PostAsJsonAsync($"/api/billing/charges/{chargeId}/refunds", new { amount = 1500, reason = "goodwill" });
        var excess = await billing.PostAsJsonAsync($"/api/billing/charges/{chargeId}/refunds", new { amount = 1, reason = "too much" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, excess.StatusCode);
        Assert.Equal("urn:telehealth:problem:refund-exceeds-captured", await ProblemTypeAsync(excess));
        var detail = await billing.GetFromJsonAsync<JsonElement>($"/api/billing/charges/{chargeId}");
        Assert.Equal("refunded", detail.GetProperty("charge").GetProperty("status").GetString());
        Assert.Equal(2, detail.GetProperty("refunds").GetArrayLength());
        Assert.Equal("billing-7", detail.GetProperty("refunds")[0].GetProperty("requestedBy").GetString());
        Assert.Equal(2500, app.Stripe.Refunds.Sum(r => r.Amount));
    }

    [Fact]
    public async Task Refund_WithoutReason_ProblemAndNothingStored()
    {
        var (_, chargeId) = await CapturedAsync();
        using var billing = await app.ClientAsync("billing-1", "billing");
        var response = await billing.PostAsJsonAsync($"/api/billing/charges/{chargeId}/refunds", new { amount = 100 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:telehealth:problem:refund-reason-required", await ProblemTypeAsync(response));
        Assert.Equal(0, await app.DataSource.CountAsync("SELECT count(*) FROM billing.refunds"));
    }

    [Fact]
    public async Task Charges_FilteredByStatusAndPayerType_OnlyMatchingRows()
    {
        await CapturedAsync();
        var released = Consultation.Card();
        await app.DeliverAsync(released.Admitted(app.Time.GetUtcNow()));
        await app.DeliverAsync(released.Ended(app.Time.GetUtcNow(), TimeSpan.FromSeconds(10)));
        var claim = Consultation.ThirdParty();
        await app.DeliverAsync(claim.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(3)));
        await app.RunWorkerAsync();
        using var billing = await app.ClientAsync("billing-1", "billing");

        var capturedRows = await billing.GetFromJsonAsync<JsonElement>("/api/billing/charges?status=captured");
        var thirdParty = await billing.GetFromJsonAsync<JsonElement>("/api/billing/charges?payerType=third_party");
        var all = await billing.GetFromJsonAsync<JsonElement>("/api/billing/charges?practitionerId=practitioner-1");
        var bad = await billing.GetAsync("/api/billing/charges?status=nonsense");

        Assert.Equal(1, capturedRows.GetArrayLength());
        Assert.Equal("claim_recorded", Assert.Single(thirdParty.EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal(3, all.GetArrayLength());
        Assert.Equal("urn:telehealth:problem:invalid-filter", await ProblemTypeAsync(bad));
    }

    [Fact]
    public async Task ThirdPartyClaim_RemittanceMarked_StatusAndLedgerUpdated()
    {
        var claim = Consultation.ThirdParty(4200);
        await app.DeliverAsync(claim.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(3)));
        var charge = await app.DataSource.ChargeAsync(claim.Id.Value);
        using var billing = await app.ClientAsync("billing-1", "billing");

        Assert.Equal(HttpStatusCode.OK, (await billing.PostAsync($"/api/billing/charges/{charge.Id}/remittance", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await billing.PostAsync($"/api/billing/charges/{charge.Id}/remittance", null)).StatusCode);
        Assert.Equal([("claim", 4200L), ("remittance", 4200L)], await app.DataSource.LedgerAsync(claim.Id.Value));
    }

    [Fact]
    public async Task NeedsAttentionAndCsv_FailedCapture_ListedAndExported()
    {
        using var billing = await app.ClientAsync("billing-1", "billing");
        var (captured, _) = await CapturedAsync();
        var failing = Consultation.Card();
        await app.DeliverAsync(failing.Admitted(app.Time.GetUtcNow()));
        await app.RunWorkerAsync();
        app.Stripe.InjectFault("capture", StripeEmulator.EmulatorFault.ServerErrorBeforeProcessing, times: 5);
        await app.DeliverAsync(failing.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        for (var i = 0; i < 3; i++)
        {
            await app.RunWorkerAsync();
            app.Time.Advance(TimeSpan.FromSeconds(21));
        }

        var attention = await billing.GetFromJsonAsync<JsonElement>("/api/billing/needs-attention");
        Assert.Equal(failing.Id.Value, Assert.Single(attention.EnumerateArray()).GetProperty("appointmentId").GetGuid());
        var csv = await billing.GetAsync("/api/billing/charges/export.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,AppointmentId,", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.Contains(captured.Id.Value.ToString(), StringComparison.Ordinal) && l.Contains(",captured,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Receipt_OwnPaidConsultation_HtmlInThePatientsLanguageWithWordsNotCodes_OtherPatientNotFound()
    {
        var (c, _) = await CapturedAsync();
        using var owner = await app.ClientAsync(c.Patient.Value, "patient");
        using var stranger = await app.ClientAsync("patient-someone-else", "patient");
        using var practitioner = await app.ClientAsync(c.Practitioner.Value, "practitioner");

        var own = await owner.GetAsync($"/api/billing/receipts/{c.Id.Value}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("text/html", own.Content.Headers.ContentType?.MediaType);
        var html = await own.Content.ReadAsStringAsync();
        Assert.Contains("Consultation receipt", html, StringComparison.Ordinal);
        Assert.Contains("€25.00", html, StringComparison.Ordinal);
        Assert.Contains("practitioner-1", html, StringComparison.Ordinal);
        Assert.Contains("<dd>Paid</dd>", html, StringComparison.Ordinal);
        Assert.Contains("Bank card", html, StringComparison.Ordinal);
        Assert.Contains("/receipt.css", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">captured<", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">card<", html, StringComparison.Ordinal);

        var french = await (await owner.GetAsync($"/api/billing/receipts/{c.Id.Value}?lang=fr&tz=Europe/Paris")).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\">", french, StringComparison.Ordinal);
        Assert.Contains("Reçu de consultation", french, StringComparison.Ordinal);
        Assert.Matches("25,00(\u00a0|&#xA0;)€", french);
        Assert.Contains("<dd>Payé</dd>", french, StringComparison.Ordinal);
        Assert.Contains("Carte bancaire", french, StringComparison.Ordinal);

        var other = await stranger.GetAsync($"/api/billing/receipts/{c.Id.Value}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("urn:telehealth:problem:receipt-not-found", await ProblemTypeAsync(other));
        Assert.Equal(HttpStatusCode.Forbidden, (await practitioner.GetAsync($"/api/billing/receipts/{c.Id.Value}")).StatusCode);
    }

    [Fact]
    public async Task Reconciliation_ThroughTheApi_StoredReadableAndExportable()
    {
        var (_, chargeId) = await CapturedAsync();
        await CapturedAsync();
        var charge = await app.DataSource.ChargeAsyncById(chargeId);
        app.Stripe.ChangeBalanceAmount(charge.StripeChargeId!, 2000);
        var payout = app.Stripe.CreatePayout("eur");
        using var billing = await app.ClientAsync("billing-1", "billing");

        var created = await billing.PostAsJsonAsync("/api/billing/reconciliations", new { payoutId = payout });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        var stored = await billing.GetFromJsonAsync<JsonElement>($"/api/billing/reconciliations/{id}");
        Assert.Equal(1, stored.GetProperty("summary").GetProperty("matched").GetInt32());
        Assert.Equal(1, stored.GetProperty("summary").GetProperty("amountMismatches").GetInt32());
        Assert.Equal("amount_mismatch", Assert.Single(stored.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        var csv = await billing.GetStringAsync($"/api/billing/reconciliations/{id}/export.csv");
        Assert.Equal(3, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var unknown = await billing.PostAsJsonAsync("/api/billing/reconciliations", new { payoutId = "po_does_not_exist" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var noScope = await billing.PostAsJsonAsync("/api/billing/reconciliations", new { });
        Assert.Equal("urn:telehealth:problem:reconciliation-scope-required", await ProblemTypeAsync(noScope));
    }
}
