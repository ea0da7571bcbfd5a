using Doctolib.Telehealth.Billing.Reconciliation;
using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Reconciliation of a payout's balance transactions (read with auto-pagination) against the ledger.</summary>
public sealed class ReconciliationTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private async Task<Consultation> CaptureAsync(long amount = 2500, string currency = "EUR")
    {
        var c = Consultation.Card(amount: amount, currency: currency);
        await h.DeliverAsync(c.Admitted(h.Time.GetUtcNow()));
        await h.DeliverAsync(c.Ended(h.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        return c;
    }

    private async Task<ReconciliationReport> RunAsync(string payoutId)
    {
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        return await h.Services.GetRequiredService<Reconciler>().RunAsync(payoutId, null, null, "billing-1", cts.Token);
    }

    [Fact]
    public async Task Reconcile_CleanPayoutOverSeveralPages_EverythingMatchesAndFeesBooked()
    {
        for (var i = 0; i < 120; i++)
        {
            await CaptureAsync(1000 + i);
        }
        var payout = h.Stripe.CreatePayout("eur");
        var report = await RunAsync(payout);

        Assert.Equal(120, report.Summary.Matched);
        Assert.Equal(0, report.Summary.MissingFromLedger + report.Summary.MissingFromStripe + report.Summary.AmountMismatches);
        var expectedFees = Enumerable.Range(0, 120).Sum(i => (1000L + i) * 15 / 1000 + 25);
        Assert.Equal(expectedFees, report.Summary.Fees);
        Assert.Equal(120, await h.DataSource.CountAsync("SELECT count(*) FROM billing.ledger_entries WHERE kind = 'fee'"));
    }

    [Fact]
    public async Task Reconcile_PlantedDifferences_FindsMissingExtraAndMismatch()
    {
        var a = await CaptureAsync();
        var b = await CaptureAsync();
        var missing = await CaptureAsync();
        var chargeB = await h.DataSource.ChargeAsync(b.Id.Value);
        var chargeMissing = await h.DataSource.ChargeAsync(missing.Id.Value);
        h.Stripe.ChangeBalanceAmount(chargeB.StripeChargeId!, 2400);
        var payout = h.Stripe.CreatePayout("eur");
        h.Stripe.RemoveFromPayout(payout, chargeMissing.StripeChargeId!);
        var extra = h.Stripe.PlantBalanceTransaction(payout, "charge", "ch_unknown_to_ledger", 9900, "eur", 173);

        var report = await RunAsync(payout);

        Assert.Equal(1, report.Summary.Matched);
        var mismatch = Assert.Single(report.Items, i => i.Status == ItemStatus.AmountMismatch);
        Assert.Equal((2400L, 2500L), (mismatch.StripeAmount!.Value, mismatch.LedgerAmount!.Value));
        Assert.Equal(chargeB.Id, mismatch.ChargeId);
        var fromStripe = Assert.Single(report.Items, i => i.Status == ItemStatus.MissingFromLedger);
        Assert.Equal(extra.Id, fromStripe.BalanceTransactionId);
        var fromLedger = Assert.Single(report.Items, i => i.Status == ItemStatus.MissingFromStripe);
        Assert.Equal(chargeMissing.StripeChargeId, fromLedger.Source);
        Assert.Equal(1, await h.DataSource.CountAsync("SELECT count(*) FROM billing.reconciliations"));
        _ = a;
    }

    [Fact]
    public async Task Reconcile_ZeroDecimalCurrencyWithRefund_AmountsExact()
    {
        var c = await CaptureAsync(5000, "JPY");
        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        await h.Refunds.RefundAsync(charge.Id, 1200, "partial", "billing-1", cts.Token);
        var payout = h.Stripe.CreatePayout("jpy");

        var report = await RunAsync(payout);

        Assert.Equal(2, report.Summary.Matched);
        Assert.Equal(5000 - 1200, report.Summary.StripeGross);
        Assert.Equal(5000 * 15 / 1000 + 25, report.Summary.Fees);
    }
}
