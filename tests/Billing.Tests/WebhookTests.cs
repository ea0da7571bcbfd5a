using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Doctolib.Telehealth.Billing.Processing;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>POST /webhooks/stripe through the real HTTP pipeline.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private BillingApp app = null!;

    public async Task InitializeAsync() => app = await BillingApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<long> StoredEventsAsync() => app.DataSource.CountAsync("SELECT count(*) FROM billing.webhook_events");

    private async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("type").GetString()!;
    }

    [Fact]
    public async Task Webhook_BadSignature_400ProblemAndNothingStored()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var e = app.Stripe.Events[^1];
        var response = await app.PostWebhookAsync(app.Stripe.Sign(e.Payload, app.Time.GetUtcNow(), secret: "whsec_wrong"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:telehealth:problem:webhook-signature-invalid", await ProblemTypeAsync(response));
        Assert.Equal(0, await StoredEventsAsync());
    }

    [Fact]
    public async Task Webhook_StaleTimestamp_400ProblemAndNothingStored()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var e = app.Stripe.Events[^1];
        var response = await app.PostWebhookAsync(app.Stripe.Sign(e.Payload, app.Time.GetUtcNow().AddMinutes(-10)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoredEventsAsync());
    }

    [Fact]
    public async Task Webhook_DeliveredTwice_StoredOnceSecondAcknowledgedAsDuplicate()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var e = app.Stripe.Events.Last(x => x.Type == "payment_intent.succeeded");

        var first = await app.PostWebhookAsync(e);
        var second = await app.PostWebhookAsync(e);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await StoredEventsAsync());
        Assert.Equal(1, await app.DataSource.CountAsync("SELECT count(*) FROM billing.ledger_entries WHERE kind = 'captured'"));
    }

    [Fact]
    public async Task Webhook_ReorderedEventsWhileWorkerCrashed_ChargeCapturedFromTheIntentOnce()
    {
        var c = Consultation.Card();
        await app.DeliverAsync(c.Admitted(app.Time.GetUtcNow()));
        await app.DeliverAsync(c.Ended(app.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        var crashed = 0;
        app.Faults.Hook = (p, key) => p == FaultPoint.AfterProviderCall && key.EndsWith("/authorize", StringComparison.Ordinal) && Interlocked.Exchange(ref crashed, 1) == 0
            ? throw new InvalidOperationException("simulated crash") : ValueTask.CompletedTask;
        await Assert.ThrowsAsync<InvalidOperationException>(app.RunWorkerAsync);
        var pi = Assert.Single(app.Stripe.IntentsFor(c.Id.Value));

        var events = app.Stripe.Events.Where(e => e.Type.StartsWith("payment_intent.", StringComparison.Ordinal)).Reverse().ToList();
        foreach (var e in events)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(e)).StatusCode);
        }
        var authorised = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(pi.Id, authorised.PaymentIntentId);

        await app.RunWorkerAsync();
        var captured = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, captured.Status);
        Assert.Equal(1, app.Stripe.TotalCaptures);

        foreach (var e in app.Stripe.Events.Where(e => e.Type == "payment_intent.succeeded"))
        {
            await app.PostWebhookAsync(e);
        }
        Assert.Equal([("authorized", 2500L), ("captured", 2500L)], await app.DataSource.LedgerAsync(c.Id.Value));
    }

    [Fact]
    public async Task Webhook_ArrivesBeforeChargeRowExists_AcknowledgedStoredAndNoChargeInvented()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var e = app.Stripe.Events.Last(x => x.Type == "payment_intent.succeeded");
        await using (var connection = await app.DataSource.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                DELETE FROM billing.ledger_entries; DELETE FROM billing.payment_attempts; DELETE FROM billing.charges;
                """);
        }

        var response = await app.PostWebhookAsync(e);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await StoredEventsAsync());
        Assert.Equal(0, await app.DataSource.CountAsync("SELECT count(*) FROM billing.charges"));
    }

    [Fact]
    public async Task Webhook_CrashWhileHandling_NothingKeptAndRedeliveryApplies()
    {
        var c = Consultation.Card();
        await app.DeliverAsync(c.Admitted(app.Time.GetUtcNow()));
        app.Faults.Hook = (p, _) => p == FaultPoint.AfterProviderCall ? throw new InvalidOperationException("crash") : ValueTask.CompletedTask;
        await Assert.ThrowsAsync<InvalidOperationException>(app.RunWorkerAsync);
        var e = app.Stripe.Events.Single(x => x.Type == "payment_intent.amount_capturable_updated");
        app.Faults.Hook = (p, _) => p == FaultPoint.WebhookStored ? throw new InvalidOperationException("crash") : ValueTask.CompletedTask;

        var failed = await app.PostWebhookAsync(e);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0, await StoredEventsAsync());

        app.Faults.Hook = null;
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(e)).StatusCode);
        var charge = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Authorized, charge.Status);
        Assert.Equal(1, await StoredEventsAsync());
    }

    [Fact]
    public async Task Webhook_DisputeCreated_ChargeNeedsAttention()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var charge = await app.DataSource.ChargeAsync(c.Id.Value);
        var dispute = app.Stripe.EmitEvent("charge.dispute.created", charge.PaymentIntentId!);

        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(dispute)).StatusCode);
        var disputed = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.True(disputed.NeedsAttention);
        Assert.StartsWith("dispute", disputed.AttentionReason);
    }

    [Fact]
    public async Task Webhook_PaymentFailedAfterTheWorker_ChargeStaysDeclinedLedgerOnce()
    {
        var declined = Consultation.Card("pm_card_chargeDeclined");
        await app.DeliverAsync(declined.Admitted(app.Time.GetUtcNow()));
        await app.RunWorkerAsync();
        foreach (var e in app.Stripe.Events)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(e)).StatusCode);
        }
        Assert.Equal(ChargeStatus.Declined, (await app.DataSource.ChargeAsync(declined.Id.Value)).Status);
        Assert.Equal([("failed", 2500L)], await app.DataSource.LedgerAsync(declined.Id.Value));
    }

    [Fact]
    public async Task Webhook_ChargeRefunded_OurRefundAcceptedOutsideRefundFlagged()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var charge = await app.DataSource.ChargeAsync(c.Id.Value);
        using var billing = await app.ClientAsync("billing-1", "billing");
        (await billing.PostAsJsonAsync($"/api/billing/charges/{charge.Id}/refunds", new { amount = 500, reason = "late" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(app.Stripe.Events.Last(e => e.Type == "charge.refunded"))).StatusCode);
        Assert.False((await app.DataSource.ChargeAsync(c.Id.Value)).NeedsAttention);

        using var dashboard = new HttpClient { BaseAddress = new Uri(app.Stripe.BaseUrl) };
        dashboard.DefaultRequestHeaders.Authorization = new("Bearer", StripeEmulator.StripeEmulatorServer.ApiKey);
        var outside = await dashboard.PostAsync("/v1/refunds", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["payment_intent"] = charge.PaymentIntentId!, ["amount"] = "300" }));
        outside.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await app.PostWebhookAsync(app.Stripe.Events.Last(e => e.Type == "charge.refunded"))).StatusCode);

        var flagged = await app.DataSource.ChargeAsync(c.Id.Value);
        Assert.True(flagged.NeedsAttention);
        Assert.Contains("outside billing", flagged.AttentionReason, StringComparison.Ordinal);
    }
}
