using Doctolib.Telehealth.Billing.Api;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Refunds never exceed captured minus refunded, add up, and are audited.</summary>
public sealed class RefundTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<Guid> CapturedChargeAsync()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(h.Time.GetUtcNow()));
        await h.DeliverAsync(c.Ended(h.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        return (await h.DataSource.ChargeAsync(c.Id.Value)).Id;
    }

    private async Task<RefundResult> RefundAsync(Guid chargeId, long amount, string? reason = "goodwill")
    {
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        return await h.Refunds.RefundAsync(chargeId, amount, reason, "billing-1", cts.Token);
    }

    [Fact]
    public async Task Refund_BeyondCaptured_RefusedAndNothingSentToStripe()
    {
        var id = await CapturedChargeAsync();
        var result = await RefundAsync(id, 2501);
        Assert.Equal(RefundError.ExceedsCaptured, result.Error);
        Assert.Equal(2500, result.Refundable);
        Assert.Empty(h.Stripe.Refunds);
    }

    [Fact]
    public async Task Refund_PartialsAddUpToCaptured_ThenFurtherRefused()
    {
        var id = await CapturedChargeAsync();
        Assert.Equal("succeeded", (await RefundAsync(id, 1000)).Status);
        Assert.Equal("succeeded", (await RefundAsync(id, 1500)).Status);
        Assert.Equal(RefundError.ExceedsCaptured, (await RefundAsync(id, 1)).Error);

        var charge = await h.DataSource.ChargeAsync((await h.DataSource.ChargeAsyncById(id)).AppointmentId);
        Assert.Equal(ChargeStatus.Refunded, charge.Status);
        Assert.Equal(2500, charge.RefundedAmount);
        Assert.Equal(0, charge.ReservedRefunds);
        Assert.Equal(2500, h.Stripe.Refunds.Sum(r => r.Amount));
        Assert.Equal(2, await h.DataSource.CountAsync("SELECT count(*) FROM billing.refunds WHERE requested_by = 'billing-1' AND reason = 'goodwill'"));
    }

    [Fact]
    public async Task Refund_ConcurrentRequests_NeverExceedCaptured()
    {
        var id = await CapturedChargeAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => RefundAsync(id, 1000))));
        Assert.Equal(2, results.Count(r => r.Error == RefundError.None));
        Assert.Equal(2000, h.Stripe.Refunds.Sum(r => r.Amount));
    }

    [Fact]
    public async Task Refund_WithoutReason_Refused()
    {
        var id = await CapturedChargeAsync();
        Assert.Equal(RefundError.ReasonRequired, (await RefundAsync(id, 100, reason: " ")).Error);
    }

    [Fact]
    public async Task Refund_StripeAnswerLost_RetriedWithSameKeyRefundsOnce()
    {
        var id = await CapturedChargeAsync();
        h.Stripe.InjectFault("refund", StripeEmulator.EmulatorFault.LoseResponseAfterProcessing);
        var first = await RefundAsync(id, 700);
        Assert.Equal("pending", first.Status);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.RunWorkerAsync();
        var charge = await h.DataSource.ChargeAsyncById(id);
        Assert.Equal(700, charge.RefundedAmount);
        Assert.Equal(ChargeStatus.PartiallyRefunded, charge.Status);
        Assert.Single(h.Stripe.Refunds);
        Assert.Equal(1, await h.DataSource.CountAsync("SELECT count(*) FROM billing.ledger_entries WHERE kind = 'refunded'"));
    }
}
